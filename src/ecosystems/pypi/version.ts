// Python versions (PEP 440) as the `packaging` library (pip's) parses and orders them.
import { compareDigits, compareStrings, cached, VersionError, type Ordering, type VersionScheme } from '../../versions/scheme.js';

export interface Pep440Version {
  epoch: string;
  /** Release numbers with trailing zeros dropped (1.0.0 orders as 1). */
  release: string[];
  /** Pre-release: a, b or rc and its number. */
  pre: { letter: 'a' | 'b' | 'rc'; number: string } | null;
  post: string | null;
  dev: string | null;
  /** Local segments, lower-cased: numbers and names. */
  local: string[] | null;
}

// Python's \s for str patterns (str.isspace), which JavaScript's \s does not match exactly.
const WS = '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
// packaging's VERSION_PATTERN, case-insensitive, surrounded by optional white space.
const VERSION_RE = new RegExp(
  `^${WS}*v?(?:(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)` +
    `([-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?([0-9]+)?)?` +
    `((?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?` +
    `([-_.]?(dev)[-_.]?([0-9]+)?)?)` +
    `(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?${WS}*$`,
  'i',
);
const DIGITS = /^[0-9]+$/;

function preLetter(l: string): 'a' | 'b' | 'rc' {
  const lower = l.toLowerCase();
  if (lower === 'a' || lower === 'alpha') return 'a';
  if (lower === 'b' || lower === 'beta') return 'b';
  return 'rc';
}

function parsePep440(text: string): Pep440Version {
  const m = VERSION_RE.exec(text);
  if (m === null) throw new VersionError('pep440', text, 'not a valid PEP 440 version');
  const [, epoch = '0', release = '', pre, preL, preN = '0', post, postN1, postL, postN2, dev, , devN = '0', local] = m;
  const numbers = release.split('.');
  let end = numbers.length;
  while (end > 0 && /^0+$/.test(numbers[end - 1] ?? '')) end--;
  return {
    epoch,
    release: numbers.slice(0, end),
    pre: pre !== undefined && preL !== undefined ? { letter: preLetter(preL), number: preN } : null,
    post: post === undefined ? null : (postN1 ?? (postL !== undefined ? (postN2 ?? '0') : '0')),
    dev: dev === undefined ? null : devN,
    local: local === undefined ? null : local.toLowerCase().split(/[-_.]/),
  };
}

function compareRelease(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (r !== 0) return r;
  }
  return 0;
}

// packaging's sort key, as ranks: a dev release of the final version sorts
// before its pre-releases; no pre-release sorts after all of them.
function preRank(v: Pep440Version): number {
  if (v.pre !== null) return v.pre.letter === 'a' ? 1 : v.pre.letter === 'b' ? 2 : 3;
  return v.post === null && v.dev !== null ? 0 : 4;
}

function compareLocal(a: string[] | null, b: string[] | null): Ordering {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const xn = DIGITS.test(x);
    const yn = DIGITS.test(y);
    // Numeric segments sort after alphanumeric ones.
    const r = xn && yn ? compareDigits(x, y) : xn ? 1 : yn ? -1 : compareStrings(x, y);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareOptional(a: string | null, b: string | null, absentFirst: boolean): Ordering {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === absentFirst ? -1 : 1;
  }
  return compareDigits(a, b);
}

export function comparePep440Versions(a: Pep440Version, b: Pep440Version): Ordering {
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    compareNumber(preRank(a), preRank(b)) ||
    (a.pre !== null && b.pre !== null ? compareDigits(a.pre.number, b.pre.number) : 0) ||
    compareOptional(a.post, b.post, true) ||
    compareOptional(a.dev, b.dev, false) ||
    compareLocal(a.local, b.local)
  );
}

function compareNumber(a: number, b: number): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

const parse = cached(parsePep440);

export const pep440: VersionScheme<Pep440Version> = {
  name: 'pep440',
  parse,
  compare: (a, b) => comparePep440Versions(parse(a), parse(b)),
};
