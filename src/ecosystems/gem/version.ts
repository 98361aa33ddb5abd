// RubyGems versions: Gem::Version (rubygems 3.3+). Numbers and letter runs are
// segments; any letter makes a pre-release; trailing zeros do not count.
import { compareDigits, compareStrings, cached, VersionError, type Ordering, type VersionScheme } from '../../versions/scheme.js';

/** Canonical segments: digit strings (no leading zeros) and letter runs. */
export type GemSegments = string[];

// Gem::Version::ANCHORED_VERSION_PATTERN; Ruby's \s is [ \t\r\n\f\v].
const PATTERN = /^[ \t\r\n\f\v]*(?:[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\r\n\f\v]*$/;
const SEGMENT = /[0-9]+|[a-z]+/gi;
const isNumber = (s: string): boolean => s.charCodeAt(0) <= 0x39;
const isZero = (s: string): boolean => isNumber(s) && /^0+$/.test(s);

function parseGem(text: string): GemSegments {
  if (!PATTERN.test(text)) throw new VersionError('rubygems', text, 'malformed version number string');
  // '-' starts a pre-release: Gem::Version turns it into ".pre.".
  const version = text.trim().replace(/-/g, '.pre.');
  const segments = (version.match(SEGMENT) ?? []).map((s) => (isNumber(s) ? s.replace(/^0+(?=.)/, '') : s));
  const firstString = segments.findIndex((s) => !isNumber(s));
  const numeric = firstString === -1 ? segments : segments.slice(0, firstString);
  const strings = firstString === -1 ? [] : segments.slice(firstString);
  return [...dropTrailingZeros(numeric), ...dropTrailingZeros(strings)];
}

function dropTrailingZeros(segments: string[]): string[] {
  let end = segments.length;
  while (end > 0 && isZero(segments[end - 1] ?? '')) end--;
  return segments.slice(0, end);
}

export function compareGemSegments(a: GemSegments, b: GemSegments): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const l = a[i] ?? '0';
    const r = b[i] ?? '0';
    const ln = isNumber(l);
    const rn = isNumber(r);
    if (ln && rn) {
      const c = compareDigits(l, r);
      if (c !== 0) return c;
    } else if (ln !== rn) {
      return ln ? 1 : -1;
    } else if (l !== r) {
      return compareStrings(l, r);
    }
  }
  return 0;
}

const parse = cached(parseGem);

export const rubygems: VersionScheme<GemSegments> = {
  name: 'rubygems',
  parse,
  compare: (a, b) => compareGemSegments(parse(a), parse(b)),
};
