// Composer (Packagist) versions: composer/semver's VersionParser::normalize,
// then PHP's version_compare() on the normalised strings, as Composer's
// Constraint does. Branch names (dev-main) have no order and are rejected.
import { compareDigits, cached, VersionError, type Ordering, type VersionScheme } from '../../versions/scheme.js';

// Composer's modifier pattern; its possessive ((?:[.-]?\d+)*+) is written as the
// same language without nested quantifiers, which would backtrack exponentially here.
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)([0-9]*(?:[.-][0-9]+)*))?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?([0-9]{1,5})(\\.[0-9]+)?(\\.[0-9]+)?(\\.[0-9]+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?([0-9]{4}(?:[.:-]?[0-9]{2}){1,6}(?:[.:-]?[0-9]{1,3}){0,2})${MODIFIER}$`, 'i');
const NUMERIC_BRANCH = /^v?([0-9]+)(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?$/i;
const STABILITY: Record<string, string> = { a: 'alpha', alpha: 'alpha', b: 'beta', beta: 'beta', rc: 'RC', p: 'patch', pl: 'patch', patch: 'patch' };

function fail(text: string, reason: string): never {
  throw new VersionError('composer', text, reason);
}

/** VersionParser::normalize: "v1.2" → "1.2.0.0", "1.0-b2" → "1.0.0.0-beta2", "2.x-dev" → "2.9999999.9999999.9999999-dev". */
export function normalizeComposer(text: string): string {
  let version = text.trim();
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(version);
  if (alias?.[1] !== undefined) version = alias[1];
  version = version.replace(/@(?:stable|RC|beta|alpha|dev)$/i, '');
  if (/^(?:master|trunk|default)$/.test(version) || /^dev-/i.test(version)) fail(text, 'a branch name has no version order');
  const build = /^([^,\s+]+)\+[^\s]+$/.exec(version);
  if (build?.[1] !== undefined) version = build[1];

  let base: string | undefined;
  let modifiers: (string | undefined)[] = [];
  const classical = CLASSICAL.exec(version);
  const date = classical === null ? DATE.exec(version) : null;
  if (classical !== null) {
    const [, major, minor, patch, extra, stability, number, dev] = classical;
    base = `${major}${minor || '.0'}${patch || '.0'}${extra || '.0'}`;
    modifiers = [stability, number, dev];
  } else if (date !== null) {
    const [, stamp = '', stability, number, dev] = date;
    base = stamp.replace(/[^0-9]/g, '.');
    modifiers = [stability, number, dev];
  }
  if (base !== undefined) {
    const [stability, number, dev] = modifiers;
    if (stability !== undefined && stability !== '') {
      if (stability === 'stable') return base;
      base += `-${STABILITY[stability.toLowerCase()] ?? stability}${(number ?? '').replace(/^[.-]+/, '')}`;
    }
    return dev !== undefined && dev !== '' ? `${base}-dev` : base;
  }
  const branch = /^(.*?)[.-]?dev$/i.exec(version);
  const numeric = branch?.[1] !== undefined ? NUMERIC_BRANCH.exec(branch[1].trim()) : null;
  if (numeric !== null) {
    const parts = [numeric[1], numeric[2], numeric[3], numeric[4]].map((p, i) => (p ?? (i === 0 ? '' : '.x')).replace(/[*X]/g, 'x'));
    return `${parts.join('').replace(/x/g, '9999999')}-dev`;
  }
  return fail(text, 'not a version Composer can normalise');
}

// PHP's version_compare(): the special forms and their ranks ("#" stands for any number).
const FORMS: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];
const LONG_MAX = '9223372036854775807';
const isDigitChar = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function formRank(part: string): number {
  for (const [name, rank] of FORMS) if (part.startsWith(name)) return rank;
  return -1;
}

/** php_canonicalize_version, then split on '.': "1.0.0.0-beta2" → [1, 0, 0, 0, beta, 2]. */
function canonicalParts(version: string): string[] {
  let out = version[0] ?? '';
  for (let i = 1; i < version.length; i++) {
    const c = version[i] ?? '';
    const lp = version[i - 1] ?? '';
    const kindChange = (isDigitChar(lp) && !isDigitChar(c) && c !== '.') || (!isDigitChar(lp) && lp !== '.' && isDigitChar(c));
    if (c === '-' || c === '_' || c === '+') {
      if (!out.endsWith('.')) out += '.';
    } else if (kindChange) {
      if (!out.endsWith('.')) out += '.';
      out += c;
    } else if (!/[0-9A-Za-z]/.test(c)) {
      if (!out.endsWith('.')) out += '.';
    } else {
      out += c;
    }
  }
  return out.split('.');
}

/** strtol's value, which saturates at LONG_MAX. */
function clampLong(digits: string): string {
  const d = /^[0-9]*/.exec(digits)?.[0] ?? '0';
  return compareDigits(d || '0', LONG_MAX) > 0 ? LONG_MAX : d || '0';
}

function comparePart(a: string, b: string): Ordering {
  const an = isDigitChar(a[0]);
  const bn = isDigitChar(b[0]);
  if (an && bn) return compareDigits(clampLong(a), clampLong(b));
  const ra = an ? 4 : formRank(a);
  const rb = bn ? 4 : formRank(b);
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** What version_compare() does when one version has parts left: a number wins, a word is ranked against "#". */
function compareRest(rest: string[]): Ordering {
  const first = rest[0] ?? '';
  if (isDigitChar(first[0])) return 1;
  const r = comparePart(first, '#');
  return r !== 0 ? r : rest.length > 1 ? compareRest(rest.slice(1)) : 0;
}

export function phpVersionCompare(a: string[], b: string[]): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = comparePart(a[i] ?? '', b[i] ?? '');
    if (r !== 0) return r;
  }
  if (a.length > n) return compareRest(a.slice(n));
  if (b.length > n) return (-compareRest(b.slice(n)) || 0) as Ordering;
  return 0;
}

const parse = cached((text: string) => canonicalParts(normalizeComposer(text)));

export const composer: VersionScheme<string[]> = {
  name: 'composer',
  parse,
  compare: (a, b) => phpVersionCompare(parse(a), parse(b)),
};
