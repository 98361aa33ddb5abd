// SemVer 2.0.0 precedence, shared by the semver, npm, Go, Cargo and NuGet schemes.
import { compareDigits, compareStrings, type Ordering } from './scheme.js';

export interface SemVer {
  /** Decimal digit strings without leading zeros (any length). */
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated pre-release identifiers; empty for a release. */
  pre: string[];
  build: string[];
}

const NUMERIC = /^[0-9]+$/;
// SemVer 2.0.0's grammar (semver.org), with the five parts captured.
const ID = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
const SEMVER_RE = new RegExp(`^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(?:-(${ID}(?:\\.${ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`);

/** Matches strict SemVer 2.0.0 text, or returns null. */
export function matchSemVer(text: string): SemVer | null {
  const m = SEMVER_RE.exec(text);
  return m === null ? null : fromMatch(m);
}

/** Builds a SemVer from a match whose groups 1-5 are major, minor, patch, pre-release, build. */
export function fromMatch(m: RegExpExecArray): SemVer {
  const [, major = '', minor = '', patch = '', pre, build] = m;
  return { major, minor, patch, pre: pre === undefined ? [] : pre.split('.'), build: build === undefined ? [] : build.split('.') };
}

/** Why `text` is not SemVer 2.0.0, for error messages. */
export function semverReason(text: string): string {
  const core = text.split(/[-+]/, 1)[0] ?? '';
  const parts = core.split('.');
  if (parts.length !== 3) return 'expected MAJOR.MINOR.PATCH';
  if (parts.some((p) => !NUMERIC.test(p))) return 'MAJOR, MINOR and PATCH must be decimal numbers';
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return 'numbers must not have leading zeros';
  return 'malformed pre-release or build metadata';
}

/** One pre-release identifier: numeric ones compare as numbers and sort before alphanumeric ones. */
export function compareIdentifier(a: string, b: string): Ordering {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return compareDigits(a, b);
  if (an) return -1;
  if (bn) return 1;
  return compareStrings(a, b);
}

export function comparePre(a: readonly string[], b: readonly string[], identifier = compareIdentifier): Ordering {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = identifier(a[i] ?? '', b[i] ?? '');
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** SemVer precedence: build metadata is ignored. */
export function compareSemVer(a: SemVer, b: SemVer, identifier = compareIdentifier): Ordering {
  return compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch) || comparePre(a.pre, b.pre, identifier);
}
