// Alpine (apk-tools 3) version order: digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}.
// apk orders even invalid versions (token by token until one goes invalid),
// so compare() never rejects; parse() rejects what `apk version --check` rejects.
import { compareDigits, cached, VersionError, type Ordering, type VersionScheme } from '../../versions/scheme.js';

// Token kinds, in apk's order: a version that ends earlier or goes on with a later kind sorts lower.
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;
const INVALID = 8;

// Suffix ranks: pre-release ones below NONE (the bare version), post-release above.
const SUFFIX_NONE = 5;
const SUFFIXES: Record<string, number> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };

export interface ApkToken {
  kind: number;
  /** The token's text (digits, letter, suffix name, hash). */
  text: string;
  suffix: number;
}

const END_TOKEN: ApkToken = { kind: END, text: '', suffix: 0 };

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66);

/** Splits a version into tokens; the last is END or INVALID. */
function tokenize(s: string): ApkToken[] {
  const tokens: ApkToken[] = [];
  let pos = 0;
  let kind = INITIAL_DIGIT;
  const span = (from: number, ok: (c: number) => boolean): number => {
    let i = from;
    while (i < s.length && ok(s.charCodeAt(i))) i++;
    return i;
  };
  const push = (k: number, text: string, suffix = 0): void => {
    kind = k;
    tokens.push({ kind: k, text, suffix });
  };
  const digits = (k: number): void => {
    const end = span(pos, isDigit);
    if (end === pos) return push(INVALID, '');
    push(k, s.slice(pos, end));
    pos = end;
  };
  digits(INITIAL_DIGIT);
  while (kind < END) {
    if (pos >= s.length) {
      push(END, '');
      break;
    }
    const c = s.charCodeAt(pos);
    if (isLower(c)) {
      if (kind > DIGIT) break;
      push(LETTER, s.charAt(pos));
      pos++;
    } else if (c === 0x2e || isDigit(c)) {
      if (c === 0x2e) {
        if (kind > DIGIT) break;
        pos++;
      }
      if (kind === INITIAL_DIGIT || kind === DIGIT) digits(DIGIT);
      else if (kind === SUFFIX) digits(SUFFIX_NO);
      else break;
    } else if (c === 0x5f) {
      if (kind > SUFFIX_NO) break;
      const end = span(pos + 1, isLower);
      const name = s.slice(pos + 1, end);
      const rank = SUFFIXES[name];
      if (rank === undefined) break;
      push(SUFFIX, name, rank);
      pos = end;
    } else if (c === 0x7e) {
      if (kind >= COMMIT_HASH) break;
      const end = span(pos + 1, isHex);
      if (end === pos + 1) break;
      push(COMMIT_HASH, s.slice(pos + 1, end));
      pos = end;
    } else if (c === 0x2d) {
      if (kind >= REVISION_NO || s.charCodeAt(pos + 1) !== 0x72) break;
      pos += 2;
      digits(REVISION_NO);
    } else {
      break;
    }
  }
  if (kind < END) push(INVALID, '');
  return tokens;
}

/** Byte-wise order with the shorter prefix first (apk_blob_sort). */
function blobSort(a: string, b: string): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareToken(a: ApkToken, b: ApkToken): Ordering {
  switch (a.kind) {
    case DIGIT:
      // A leading zero makes the component a string, as in Gentoo's rules ("8.2.001" > "8.2.0").
      if (a.text.charCodeAt(0) === 0x30 || b.text.charCodeAt(0) === 0x30) return blobSort(a.text, b.text);
      return compareDigits(a.text, b.text);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return compareDigits(a.text, b.text);
    case LETTER:
      return blobSort(a.text, b.text);
    case SUFFIX:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      return blobSort(a.text, b.text);
  }
}

/** apk's comparison; with `fuzzy`, a version that merely extends `b` matches it (the `~` operator). */
export function compareApkTokens(ta: ApkToken[], tb: ApkToken[], fuzzy = false): Ordering {
  let i = 0;
  let a = ta[0] ?? END_TOKEN;
  let b = tb[0] ?? END_TOKEN;
  while (a.kind === b.kind && a.kind < END) {
    const r = compareToken(a, b);
    if (r !== 0) return r;
    i++;
    a = ta[i] ?? END_TOKEN;
    b = tb[i] ?? END_TOKEN;
  }
  if (a.kind === b.kind) return 0;
  if (b.kind === END && fuzzy) return 0;
  if (a.kind === SUFFIX && a.suffix < SUFFIX_NONE) return -1;
  if (b.kind === SUFFIX && b.suffix < SUFFIX_NONE) return 1;
  return a.kind > b.kind ? -1 : 1;
}

function parseApk(text: string): ApkToken[] {
  const tokens = tokenize(text);
  if (tokens[tokens.length - 1]?.kind === INVALID) {
    throw new VersionError('apk', text, 'not of the form digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}');
  }
  return tokens;
}

const tokensOf = cached(tokenize);
const parse = cached(parseApk);

/** apk's constraint operators: <, <=, =, >=, >, ~ (fuzzy), <~, >~; a leading '!' negates. */
export function apkMatches(version: string, op: string, against: string): boolean {
  const negate = op.startsWith('!');
  const ops = negate ? op.slice(1) : op;
  if (!/^[<>=~]+$/.test(ops)) throw new VersionError('apk', op, 'unknown operator', 'operator');
  const fuzzy = ops.includes('~');
  const r = compareApkTokens(tokensOf(version), tokensOf(against), fuzzy);
  const want = r < 0 ? '<' : r > 0 ? '>' : '=';
  const ok = ops.includes(want) || (want === '=' && fuzzy);
  return negate ? !ok : ok;
}

export const apk: VersionScheme<ApkToken[]> = {
  name: 'apk',
  parse,
  compare: (a, b) => compareApkTokens(tokensOf(a), tokensOf(b)),
};
