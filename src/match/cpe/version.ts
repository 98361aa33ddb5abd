// The version order for components no package ecosystem orders (a binary's version string, the
// bounds NVD writes for it): dotted numbers, then at most one suffix.
//   - Numbers compare numerically, a missing component counts as 0 (1.2 = 1.2.0).
//   - A pre-release word (dev, snapshot, alpha, beta, milestone, rc, pre, preview, cr; a, b, c, m
//     only when a number follows, as in 2.0b1) sorts before the release, in that order, then by its number.
//   - final, ga and release mean the release itself.
//   - Any other letters (1.0.2k, 9.3p1, 2.4-patch2) mark a later build: after the release, in
//     alphabetical order, then by number. A lone letter is never a pre-release: OpenSSL's 1.0.2b
//     follows 1.0.2.
// Anything else (no leading number, two suffixes, build metadata) is rejected with a VersionError.
import { VersionError, type Ordering, type VersionScheme } from '../../versions/index.js';

interface GenericVersion {
  numbers: string[];
  /** -1 pre-release, 0 release, 1 later build. */
  kind: -1 | 0 | 1;
  /** Pre-release: the word's rank; later build: its letters. */
  tag: number | string;
  n: number;
}

const PRE_RANK: Record<string, number> = { dev: 0, snapshot: 0, alpha: 1, a: 1, beta: 2, b: 2, milestone: 3, m: 3, rc: 4, c: 4, cr: 4, pre: 4, preview: 4 };
const RELEASE = new Set(['final', 'ga', 'release']);
const SHAPE = /^v?(\d+(?:\.\d+)*)(?:[-_.]?([a-z]+)[-_.]?(\d+)?)?$/;

function parse(text: string): GenericVersion {
  const m = SHAPE.exec(text.trim().toLowerCase());
  if (!m?.[1]) throw new VersionError('generic', text, 'not dotted numbers with at most one suffix');
  // Leading zeros do not count (1.02 = 1.2); numbers stay strings so no length overflows.
  const numbers = m[1].split('.').map((n) => n.replace(/^0+(?=\d)/, ''));
  const word = m[2];
  const n = Number(m[3] ?? 0);
  if (word === undefined) return { numbers, kind: 0, tag: '', n: 0 };
  if (RELEASE.has(word) && m[3] === undefined) return { numbers, kind: 0, tag: '', n: 0 };
  const rank = PRE_RANK[word];
  if (rank !== undefined && (word.length > 1 || m[3] !== undefined)) return { numbers, kind: -1, tag: rank, n };
  return { numbers, kind: 1, tag: word, n };
}

const sign = (d: number): Ordering => (d < 0 ? -1 : d > 0 ? 1 : 0);

function compareNumber(a: string, b: string): Ordering {
  return a.length !== b.length ? sign(a.length - b.length) : a < b ? -1 : a > b ? 1 : 0;
}

function compare(a: string, b: string): Ordering {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.numbers.length, y.numbers.length); i++) {
    const c = compareNumber(x.numbers[i] ?? '0', y.numbers[i] ?? '0');
    if (c !== 0) return c;
  }
  if (x.kind !== y.kind) return sign(x.kind - y.kind);
  if (x.tag !== y.tag) return x.tag < y.tag ? -1 : 1;
  return sign(x.n - y.n);
}

export const generic: VersionScheme<GenericVersion> = { name: 'generic', parse, compare };
