// Seeded generators of version pairs that reach each scheme's corners: digit
// runs (zero, leading zeros, numbers past 2^64), letters, every separator,
// ~ and ^, epochs, qualifiers, pre-release tags, empty parts, stray bytes;
// mixed with the real versions in ./corpus.ts and with near copies of one
// another, so that pairs often agree on a long prefix.
import type { SchemeName } from '../../src/versions/index.js';
import { realVersions } from './corpus.js';

export type Rng = () => number;

/** mulberry32: small, fast, and the same on every machine. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

function number(r: Rng): string {
  const x = r();
  if (x < 0.3) return String(Math.floor(r() * 10));
  if (x < 0.5) return String(Math.floor(r() * 100));
  if (x < 0.6) return pick(r, ['0', '00', '01', '007', '010', '0000']);
  if (x < 0.7) return String(Math.floor(r() * 100000));
  if (x < 0.75)
    return pick(r, [
      '2147483647',
      '2147483648',
      '4294967296',
      '9007199254740991',
      '9007199254740993',
      '18446744073709551615',
      '18446744073709551616',
      '9223372036854775807',
      '9223372036854775808',
    ]);
  if (x < 0.8) return Array.from({ length: 15 + Math.floor(r() * 30) }, () => String(Math.floor(r() * 10))).join('');
  return String(1 + Math.floor(r() * 20));
}

interface Alphabet {
  words: readonly string[];
  separators: readonly string[];
  /** A prefix put in front now and then (epochs, 'v'). */
  prefix: (r: Rng) => string;
  /** Builds a well-formed-looking version, which the soup of tokens rarely does. */
  structured: (r: Rng) => string;
}

const COMMON_WORDS = ['a', 'b', 'c', 'z', 'A', 'Z', 'x', 'alpha', 'beta', 'rc', 'RC', 'pre', 'dev', 'post', 'p', 'final', 'snapshot', 'SNAPSHOT'];
const STRAY = ['', ' ', '\t', '\n', '\u0001', '\u007f', 'é', '\u0663', '\uff11', '#', '!', '/', '=', '*', '@', ','];

function dotted(r: Rng, min: number, max: number): string {
  const n = min + Math.floor(r() * (max - min + 1));
  return Array.from({ length: n }, () => number(r)).join('.');
}

function semverish(r: Rng, opts: { v?: boolean; shortcuts?: boolean; fourParts?: boolean } = {}): string {
  let core = [number(r), number(r), number(r)];
  if (opts.shortcuts && r() < 0.2) core = core.slice(0, 1 + Math.floor(r() * 2));
  if (opts.fourParts && r() < 0.2) core.push(number(r));
  let s = (opts.v && r() < 0.7 ? 'v' : '') + core.join('.');
  if (r() < 0.5) {
    const ids = Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
      r() < 0.4 ? number(r) : pick(r, ['alpha', 'beta', 'rc', 'x', 'X-1', 'a1', '0a', '-', 'pre', 'ALPHA', 'Beta', '20191109021931', 'daa7c04131f5']),
    );
    s += '-' + ids.join('.');
  }
  if (r() < 0.2) s += '+' + pick(r, ['build', '1', '001', 'incompatible', 'sha.5114f85', 'x-y.z']);
  return s;
}

const ALPHABETS: Record<SchemeName, Alphabet> = {
  dpkg: {
    words: [...COMMON_WORDS, 'deb12u1', 'ubuntu', 'build', 'dfsg', 'really', '+', '~', '.', '-', ':'],
    separators: ['.', '-', '+', '~', ':', '', '_', '~~'],
    prefix: (r) => pick(r, ['1:', '0:', '2:', '00:', '10:', ':', '-1:', '+1:', 'a:', '2147483648:', ' ', '']),
    structured: (r) =>
      `${r() < 0.3 ? `${number(r)}:` : ''}${dotted(r, 1, 4)}${r() < 0.3 ? pick(r, ['~rc1', '~beta', '+dfsg', '+really1.0', '~~', 'a', '+b1']) : ''}${r() < 0.7 ? `-${number(r)}${r() < 0.4 ? pick(r, ['+deb12u1', '~deb11u2', 'ubuntu0.1', '.1', '+b2', '~', 'build1']) : ''}` : ''}`,
  },
  rpm: {
    words: [...COMMON_WORDS, 'el9', 'fc39', 'amzn2023', 'git', 'cm2', 'ph5', 'azl3'],
    separators: ['.', '-', '+', '~', '^', '_', '', ':', '~~', '^^'],
    prefix: (r) => pick(r, ['1:', '0:', '2:', '00:', ':', '']),
    structured: (r) =>
      `${r() < 0.3 ? `${number(r)}:` : ''}${dotted(r, 1, 4)}${r() < 0.3 ? pick(r, ['~rc1', '^git1', '^20230101', '~beta~1', 'a', 'p1']) : ''}${r() < 0.7 ? `-${number(r)}.${pick(r, ['el9', 'el8_7', 'fc39', 'amzn2023.0.2', 'cm2', '1'])}` : ''}`,
  },
  apk: {
    words: ['a', 'b', 'z', 'alpha', 'beta', 'pre', 'rc', 'p', 'cvs', 'svn', 'git', 'hg', 'post', 'foo', 'r'],
    separators: ['.', '_', '-r', '-', '~', ''],
    prefix: () => '',
    structured: (r) =>
      `${dotted(r, 1, 4)}${r() < 0.2 ? pick(r, ['a', 'b', 'z']) : ''}${r() < 0.4 ? `_${pick(r, ['alpha', 'beta', 'pre', 'rc', 'p', 'git', 'svn', 'cvs', 'hg'])}${r() < 0.5 ? number(r) : ''}` : ''}${r() < 0.1 ? `~${pick(r, ['1234abcd', 'deadbeef', '0'])}` : ''}${r() < 0.6 ? `-r${number(r)}` : ''}`,
  },
  semver: { words: COMMON_WORDS, separators: ['.', '-', '+', ''], prefix: (r) => pick(r, ['', 'v', ' ', '=']), structured: (r) => semverish(r) },
  npm: { words: COMMON_WORDS, separators: ['.', '-', '+', ''], prefix: (r) => pick(r, ['', 'v', ' ', '=', 'V']), structured: (r) => semverish(r, { v: true }) },
  golang: {
    words: [...COMMON_WORDS, 'incompatible'],
    separators: ['.', '-', '+', ''],
    prefix: (r) => pick(r, ['v', 'v', '', 'V']),
    structured: (r) => (r() < 0.9 ? 'v' : '') + semverish(r, { shortcuts: true }),
  },
  cargo: { words: COMMON_WORDS, separators: ['.', '-', '+', ''], prefix: (r) => pick(r, ['', 'v', ' ']), structured: (r) => semverish(r) },
  pep440: {
    words: ['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview', 'post', 'rev', 'r', 'dev', 'A', 'RC', 'Post', 'DEV', 'local', 'ubuntu', 'x', 'final'],
    separators: ['.', '-', '_', '+', '!', ''],
    prefix: (r) => pick(r, ['', 'v', 'V', '1!', '0!', ' ', '10!']),
    structured: (r) =>
      `${r() < 0.1 ? `${number(r)}!` : ''}${r() < 0.1 ? 'v' : ''}${dotted(r, 1, 4)}${r() < 0.3 ? `${pick(r, ['', '.', '-', '_'])}${pick(r, ['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview', 'RC'])}${r() < 0.7 ? number(r) : ''}` : ''}${r() < 0.2 ? pick(r, ['.post', '-', 'post', '.rev', '-r', '_post']) + (r() < 0.7 ? number(r) : '') : ''}${r() < 0.2 ? `${pick(r, ['.', '', '-'])}dev${r() < 0.7 ? number(r) : ''}` : ''}${r() < 0.15 ? `+${pick(r, ['ubuntu1', 'local.1', 'abc.5', '1.a', 'A-b_c', 'deb12'])}` : ''}`,
  },
  maven: {
    words: [
      'alpha',
      'beta',
      'milestone',
      'rc',
      'cr',
      'snapshot',
      'SNAPSHOT',
      'ga',
      'final',
      'release',
      'RELEASE',
      'Final',
      'sp',
      'a',
      'b',
      'm',
      'A',
      'M',
      'foo',
      'jre',
      'android',
      'x',
      'z',
    ],
    separators: ['.', '-', '', '_', '+', '--', '..', '-.'],
    prefix: (r) => pick(r, ['', '', 'v', '-', '.']),
    structured: (r) =>
      `${dotted(r, 1, 4)}${r() < 0.5 ? pick(r, ['-', '.', '']) + pick(r, ['alpha', 'beta', 'rc', 'cr', 'SNAPSHOT', 'Final', 'GA', 'RELEASE', 'sp', 'M', 'a', 'b', 'jre', 'android', 'm']) + (r() < 0.5 ? pick(r, ['', '-', '.']) + number(r) : '') : ''}`,
  },
  rubygems: {
    words: ['a', 'b', 'pre', 'rc', 'alpha', 'beta', 'A', 'Z', 'z'],
    separators: ['.', '-', '', ' ', '_'],
    prefix: (r) => pick(r, ['', '', ' ', 'v']),
    structured: (r) =>
      `${dotted(r, 1, 4)}${r() < 0.4 ? `${pick(r, ['.', '-', ''])}${pick(r, ['pre', 'rc', 'a', 'beta', 'alpha1', 'b2', 'A'])}${r() < 0.5 ? `.${number(r)}` : ''}` : ''}`,
  },
  nuget: {
    words: COMMON_WORDS,
    separators: ['.', '-', '+', ''],
    prefix: (r) => pick(r, ['', 'v']),
    structured: (r) => semverish(r, { shortcuts: true, fourParts: true }),
  },
  composer: {
    words: ['alpha', 'beta', 'RC', 'rc', 'a', 'b', 'p', 'pl', 'patch', 'stable', 'dev', 'x', 'X'],
    separators: ['.', '-', '_', '', '+'],
    prefix: (r) => pick(r, ['', 'v', 'V', 'dev-']),
    structured: (r) =>
      `${r() < 0.3 ? 'v' : ''}${dotted(r, 1, 4)}${r() < 0.4 ? `${pick(r, ['-', '.', '', '_'])}${pick(r, ['alpha', 'beta', 'RC', 'a', 'b', 'p', 'pl', 'patch', 'stable'])}${r() < 0.6 ? number(r) : ''}` : ''}${r() < 0.15 ? '-dev' : ''}`,
  },
};

/** A soup of tokens: numbers, words, separators, now and then a stray character or an empty part. */
function soup(r: Rng, a: Alphabet): string {
  let s = r() < 0.3 ? a.prefix(r) : '';
  const n = 1 + Math.floor(r() * 7);
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.45) s += number(r);
    else if (x < 0.7) s += pick(r, a.words);
    else if (x < 0.95) s += pick(r, a.separators);
    else s += pick(r, STRAY);
  }
  return s;
}

/** A near copy: one token changed, added or removed, or a case or separator swapped. */
function mutate(r: Rng, s: string, a: Alphabet): string {
  const parts = s.split(/(?<=[0-9])(?=[^0-9])|(?<=[^0-9])(?=[0-9])|(?=[.\-_+~^:])|(?<=[.\-_+~^:])/).filter((p) => p !== '');
  const i = Math.floor(r() * (parts.length + 1));
  const x = r();
  if (x < 0.25) parts.splice(i, 0, pick(r, [...a.separators, ...a.words]) + (r() < 0.5 ? number(r) : ''));
  else if (x < 0.45) parts.splice(i, 1);
  else if (x < 0.7) parts[Math.min(i, parts.length - 1)] = number(r);
  else if (x < 0.8) parts[Math.min(i, parts.length - 1)] = pick(r, [...a.separators, ...a.words]);
  else if (x < 0.85) return s.toUpperCase();
  else if (x < 0.9) return s + pick(r, [...a.separators, ...a.words]);
  else return s.replace(/[0-9]+/, (d) => (r() < 0.5 ? `0${d}` : d.replace(/^0+(?=.)/, '')));
  return parts.join('');
}

export interface PairOptions {
  /** Only versions the reference can be asked about (no NUL for a command line, for instance). */
  keep?: (version: string) => boolean;
}

/** `count` version pairs for `scheme`, the same for the same seed. */
export function generatePairs(scheme: SchemeName, seed: number, count: number, opts: PairOptions = {}): [string, string][] {
  const r = rng(seed);
  const a = ALPHABETS[scheme];
  const real = realVersions(scheme);
  const one = (): string => {
    const x = r();
    if (x < 0.3 && real.length > 0) return pick(r, real);
    if (x < 0.75) return a.structured(r);
    return soup(r, a);
  };
  const pairs: [string, string][] = [];
  while (pairs.length < count) {
    const first = one();
    const x = r();
    const second = x < 0.45 ? mutate(r, first, a) : x < 0.55 ? (r() < 0.5 ? first : mutate(r, mutate(r, first, a), a)) : one();
    if (opts.keep && !(opts.keep(first) && opts.keep(second))) continue;
    pairs.push(r() < 0.5 ? [first, second] : [second, first]);
  }
  return pairs;
}
