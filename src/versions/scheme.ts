import { InputError } from '../errors.js';

export type Ordering = -1 | 0 | 1;

/** One ecosystem's version order. `V` is the parsed form; callers mostly pass strings. */
export interface VersionScheme<V = unknown> {
  /** Key under `versions` (dpkg, rpm, apk, semver, npm, ...). */
  readonly name: string;
  /** Parses `text` as the ecosystem does; throws VersionError with the reason when it rejects it. */
  parse(text: string): V;
  /** Orders two version strings; throws VersionError if either is invalid (apk orders even invalid ones, as apk does). */
  compare(a: string, b: string): Ordering;
}

/** A scheme whose ecosystem also has a range / requirement syntax. */
export interface RangeScheme<V = unknown, R = unknown> extends VersionScheme<V> {
  /** Parses a range; throws VersionError with the reason when the ecosystem rejects it. */
  parseRange(text: string): R;
  /** Whether `version` lies in `range` (both strings, parsed and cached). */
  satisfies(version: string, range: string): boolean;
}

/** A version or range the ecosystem rejects. */
export class VersionError extends InputError {
  constructor(
    readonly scheme: string,
    readonly input: string,
    readonly reason: string,
    what = 'version',
  ) {
    super(`invalid ${scheme} ${what} ${quote(input)}: ${reason}`);
    this.name = 'VersionError';
  }
}

/** Quotes user input for a one-line message: escapes control characters, shortens long text. */
function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…(${text.length} chars)` : text;
  return JSON.stringify(shown);
}

export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compares two strings of ASCII digits as non-negative integers of any length. */
export function compareDigits(a: string, b: string): Ordering {
  let i = 0;
  let j = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 48) i++;
  while (j < b.length - 1 && b.charCodeAt(j) === 48) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (; i < a.length; i++, j++) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Compares strings by UTF-16 code units, like Java's String.compareTo and, for ASCII, C's strcmp. */
export function compareStrings(a: string, b: string): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Memoises a parser: the matcher compares the same few thousand versions
 * hundreds of thousands of times. Rejections are cached too (as the error).
 * The cache is dropped when it grows past `limit` so memory stays bounded.
 */
export function cached<T>(parse: (text: string) => T, limit = 50_000): (text: string) => T {
  let cache = new Map<string, T | VersionError>();
  return (text: string): T => {
    let hit = cache.get(text);
    if (hit === undefined) {
      try {
        hit = parse(text);
      } catch (err) {
        if (!(err instanceof VersionError)) throw err;
        hit = err;
      }
      if (cache.size >= limit) cache = new Map();
      cache.set(text, hit);
    }
    if (hit instanceof VersionError) throw hit;
    return hit;
  };
}
