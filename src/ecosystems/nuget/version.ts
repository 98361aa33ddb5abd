// NuGet versions (NuGet.Versioning's NuGetVersion and VersionRange): one to
// four numbers (missing ones are 0, leading zeros allowed), SemVer 2.0.0
// pre-release labels compared case-insensitively, build metadata ignored.
// Ranges use interval notation: 1.0, [1.0,2.0), (,1.0], [1.0].
import { compareDigits, compareStrings, cached, VersionError, type Ordering, type RangeScheme } from '../../versions/scheme.js';
import { comparePre } from '../../versions/semver-core.js';

export interface NuGetVersion {
  /** Major, minor, patch, revision without leading zeros. */
  numbers: [string, string, string, string];
  pre: string[];
}

export interface NuGetRange {
  min: NuGetVersion | null;
  minInclusive: boolean;
  max: NuGetVersion | null;
  maxInclusive: boolean;
}

const VERSION_RE = /^([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const INT32_MAX = '2147483647';
const NUMERIC = /^[0-9]+$/;

function parseNuGet(text: string): NuGetVersion {
  const m = VERSION_RE.exec(text.trim());
  if (m === null) throw new VersionError('nuget', text, 'expected MAJOR[.MINOR[.PATCH[.REVISION]]][-PRERELEASE][+METADATA]');
  const [, major = '0', minor = '0', patch = '0', revision = '0', pre] = m;
  const numbers = [major, minor, patch, revision].map((n) => n.replace(/^0+(?=.)/, ''));
  if (numbers.some((n) => compareDigits(n, INT32_MAX) > 0)) throw new VersionError('nuget', text, `a number is above ${INT32_MAX}`);
  const labels = pre === undefined ? [] : pre.split('.');
  if (labels.some((l) => NUMERIC.test(l) && l.length > 1 && l.startsWith('0'))) {
    throw new VersionError('nuget', text, 'numeric pre-release labels must not have leading zeros');
  }
  return { numbers: numbers as [string, string, string, string], pre: labels };
}

/** Numeric labels compare as numbers and sort first; others ordinally, ignoring case. */
function compareLabel(a: string, b: string): Ordering {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return compareDigits(a, b);
  if (an) return -1;
  if (bn) return 1;
  return compareStrings(a.toUpperCase(), b.toUpperCase());
}

export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): Ordering {
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(a.numbers[i] ?? '0', b.numbers[i] ?? '0');
    if (r !== 0) return r;
  }
  return comparePre(a.pre, b.pre, compareLabel);
}

function parseNuGetRange(text: string): NuGetRange {
  const fail = (reason: string): never => {
    throw new VersionError('nuget', text, reason, 'version range');
  };
  const t = text.trim();
  const bound = (s: string): NuGetVersion | null => {
    const v = s.trim();
    if (v === '') return null;
    try {
      return parse(v);
    } catch {
      return fail(`${JSON.stringify(v)} is not a NuGet version`);
    }
  };
  if (t === '') return fail('empty range');
  const first = t[0];
  const last = t[t.length - 1];
  if (first !== '[' && first !== '(') {
    return { min: bound(t) ?? fail('empty range'), minInclusive: true, max: null, maxInclusive: false };
  }
  if (last !== ']' && last !== ')') return fail("a range opened with '[' or '(' must close with ']' or ')'");
  const inner = t.slice(1, -1);
  const parts = inner.split(',');
  if (parts.length === 1) {
    if (first !== '[' || last !== ']') fail('an exact version needs [ ]');
    const v = bound(inner) ?? fail('empty range');
    return { min: v, minInclusive: true, max: v, maxInclusive: true };
  }
  if (parts.length !== 2) return fail('expected at most two versions');
  const range = { min: bound(parts[0] ?? ''), minInclusive: first === '[', max: bound(parts[1] ?? ''), maxInclusive: last === ']' };
  if (range.min === null && range.max === null) fail('a range needs a lower or an upper version');
  return range;
}

function inRange(v: NuGetVersion, r: NuGetRange): boolean {
  if (r.min !== null) {
    const c = compareNuGetVersions(v, r.min);
    if (c < 0 || (c === 0 && !r.minInclusive)) return false;
  }
  if (r.max !== null) {
    const c = compareNuGetVersions(v, r.max);
    if (c > 0 || (c === 0 && !r.maxInclusive)) return false;
  }
  return true;
}

const parse = cached(parseNuGet);
const parseRange = cached(parseNuGetRange, 10_000);

export const nuget: RangeScheme<NuGetVersion, NuGetRange> = {
  name: 'nuget',
  parse,
  compare: (a, b) => compareNuGetVersions(parse(a), parse(b)),
  parseRange,
  satisfies: (version, range) => inRange(parse(version), parseRange(range)),
};
