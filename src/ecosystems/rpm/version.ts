// RPM version order: rpmvercmp() on epoch, version and release, with EVR
// strings split the way rpm's rpmverParse() splits them (rpm.vercmp in Lua).
import { cached, VersionError, type Ordering, type VersionScheme } from '../../versions/scheme.js';

export interface RpmVersion {
  /** Digits before ':'; null when absent (compared as "0"). */
  epoch: string | null;
  version: string;
  /** After the last '-'; null when absent. */
  release: string | null;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const TILDE = 0x7e;
const CARET = 0x5e;

function parseRpm(text: string): RpmVersion {
  if (text === '') throw new VersionError('rpm', text, 'version string is empty');
  if (text.includes('\0')) throw new VersionError('rpm', text, 'contains a NUL character');
  let s = 0;
  while (s < text.length && isDigit(text.charCodeAt(s))) s++;
  const hyphen = text.lastIndexOf('-');
  const releaseAt = hyphen >= s ? hyphen : -1;
  let epoch: string | null = null;
  let versionStart = 0;
  if (text.charCodeAt(s) === 0x3a) {
    epoch = s === 0 ? '0' : text.slice(0, s);
    versionStart = s + 1;
  }
  return {
    epoch,
    version: text.slice(versionStart, releaseAt >= 0 ? releaseAt : text.length),
    release: releaseAt >= 0 ? text.slice(releaseAt + 1) : null,
  };
}

/** rpm's rpmvercmp(): alternating digit and letter segments, '~' sorts first, '^' after the base version. */
export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const la = a.length;
  const lb = b.length;
  while (i < la || j < lb) {
    while (i < la && !isSegmentStart(a.charCodeAt(i))) i++;
    while (j < lb && !isSegmentStart(b.charCodeAt(j))) j++;
    const ca = i < la ? a.charCodeAt(i) : 0;
    const cb = j < lb ? b.charCodeAt(j) : 0;
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      if (i >= la) return -1;
      if (j >= lb) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (i >= la || j >= lb) break;
    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    let ea = i;
    let eb = j;
    while (ea < la && inSegment(a.charCodeAt(ea))) ea++;
    while (eb < lb && inSegment(b.charCodeAt(eb))) eb++;
    if (eb === j) return numeric ? 1 : -1;
    if (numeric) {
      while (i < ea && a.charCodeAt(i) === 0x30) i++;
      while (j < eb && b.charCodeAt(j) === 0x30) j++;
      if (ea - i !== eb - j) return ea - i > eb - j ? 1 : -1;
    }
    // strcmp of the two segments.
    while (i < ea && j < eb) {
      const d = a.charCodeAt(i) - b.charCodeAt(j);
      if (d !== 0) return d < 0 ? -1 : 1;
      i++;
      j++;
    }
    if (i < ea) return 1;
    if (j < eb) return -1;
  }
  if (i >= la && j >= lb) return 0;
  return i >= la ? -1 : 1;
}

function isSegmentStart(c: number): boolean {
  return isDigit(c) || isAlpha(c) || c === TILDE || c === CARET;
}

/** As rpm 4.18's rpm.vercmp does: a version with a release (even an empty one) is above the same version without. */
function compareReleases(a: string | null, b: string | null): Ordering {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return rpmvercmp(a, b);
}

export function compareRpmVersions(a: RpmVersion, b: RpmVersion): Ordering {
  return rpmvercmp(a.epoch ?? '0', b.epoch ?? '0') || rpmvercmp(a.version, b.version) || compareReleases(a.release, b.release);
}

const parse = cached(parseRpm);

export const rpm: VersionScheme<RpmVersion> = {
  name: 'rpm',
  parse,
  compare: (a, b) => compareRpmVersions(parse(a), parse(b)),
};
