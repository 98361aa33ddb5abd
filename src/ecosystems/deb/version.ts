// Debian version order, as dpkg's lib/dpkg/version.c and parsehelp.c define it.
import { cached, sign, VersionError, type Ordering, type VersionScheme } from '../../versions/scheme.js';

export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
// strtol's leading white space (C isspace in the C locale).
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const INT_MAX = 2147483647;

function fail(text: string, reason: string): never {
  throw new VersionError('dpkg', text, reason);
}

/**
 * Rejects what `dpkg --compare-versions` refuses (its hard errors). dpkg only
 * warns about a first character that is not a digit or characters outside
 * [A-Za-z0-9.+~:-], and still compares such versions, so they are accepted.
 */
function parseDpkg(text: string): DpkgVersion {
  if (text.includes('\u0000')) fail(text, 'contains a NUL character');
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  if (start === text.length) fail(text, 'version string is empty');
  let end = start;
  while (end < text.length && !isBlank(text.charCodeAt(end))) end++;
  for (let i = end; i < text.length; i++) {
    if (!isBlank(text.charCodeAt(i))) fail(text, 'version string has embedded spaces');
  }
  // dpkg weighs bytes: keep non-ASCII text as its UTF-8 bytes, one char per byte.
  let body = text.slice(start, end);
  if (/[\u0080-\uffff]/.test(body)) body = Buffer.from(body, 'utf8').toString('latin1');
  let epoch = 0;
  const colon = body.indexOf(':');
  if (colon >= 0) {
    epoch = parseEpoch(text, body.slice(0, colon));
    body = body.slice(colon + 1);
    if (body === '') fail(text, 'nothing after colon in version number');
  }
  const hyphen = body.lastIndexOf('-');
  const upstream = hyphen >= 0 ? body.slice(0, hyphen) : body;
  const revision = hyphen >= 0 ? body.slice(hyphen + 1) : '';
  if (hyphen >= 0 && revision === '') fail(text, 'revision number is empty');
  if (upstream === '') fail(text, 'version number is empty');
  return { epoch, upstream, revision };
}

/** The epoch as C's strtol(…, 10) reads it, with dpkg's checks. */
function parseEpoch(text: string, field: string): number {
  let i = 0;
  while (i < field.length && isSpace(field.charCodeAt(i))) i++;
  let negative = false;
  if (field[i] === '+' || field[i] === '-') negative = field[i++] === '-';
  const digitsStart = i;
  while (i < field.length && isDigit(field.charCodeAt(i))) i++;
  if (i === digitsStart) fail(text, 'epoch in version is empty');
  if (i !== field.length) fail(text, 'epoch in version is not number');
  const digits = field.slice(digitsStart).replace(/^0+(?=.)/, '');
  if (negative && digits !== '0') fail(text, 'epoch in version is negative');
  if (digits.length > 10 || Number(digits) > INT_MAX) fail(text, 'epoch in version is too big');
  return Number(digits);
}

/** dpkg's character weight: digits 0, letters themselves, '~' below the end, anything else above letters. */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 0x7e) return -1;
  // C's signed char makes bytes >= 0x80 negative, so c + 256 is the byte itself.
  return c >= 0x80 ? c : c + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (i < a.length && j < b.length && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

export function compareDpkgVersions(a: DpkgVersion, b: DpkgVersion): Ordering {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return sign(verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision));
}

const parse = cached(parseDpkg);

export const dpkg: VersionScheme<DpkgVersion> = {
  name: 'dpkg',
  parse,
  compare: (a, b) => (a === b ? (parse(a), 0) : compareDpkgVersions(parse(a), parse(b))),
};
