// Comparisons per second for each comparator, on a fixed mix of real and
// generated versions (valid ones only: the matcher compares what it parsed),
// with warm parse caches, as in the matcher's loop.
//   node --import tsx bench/versions.ts [runs]     (npm run bench calls versionsBench)
import { pathToFileURL } from 'node:url';
import { versions, type SchemeName } from '../src/versions/index.js';
import { generatePairs } from '../test/versions/generators.js';
import { median, table } from './util.js';

const PAIRS = 2_000;
const MIN_MILLISECONDS = 300;

function validPairs(scheme: SchemeName): [string, string][] {
  const compare = versions[scheme].compare;
  return generatePairs(scheme, 1, PAIRS * 4)
    .filter(([a, b]) => {
      try {
        compare(a, b);
        return true;
      } catch {
        return false;
      }
    })
    .slice(0, PAIRS);
}

/** One timed run: comparisons per second over at least MIN_MILLISECONDS. */
function measure(compare: (a: string, b: string) => number, pairs: [string, string][]): number {
  let count = 0;
  let sink = 0;
  const started = performance.now();
  while (performance.now() - started < MIN_MILLISECONDS) {
    for (const [a, b] of pairs) sink += compare(a, b);
    count += pairs.length;
  }
  const seconds = (performance.now() - started) / 1000;
  // Use the results, so that the loop cannot be optimised away.
  if (sink === Number.MAX_SAFE_INTEGER) console.log(sink);
  return count / seconds;
}

/** Comparisons per second per scheme (median of `runs`), as a text table. */
export function versionsBench(runs = 3): string {
  const rows = (Object.keys(versions) as SchemeName[]).map((scheme) => {
    const compare = versions[scheme].compare;
    const pairs = validPairs(scheme);
    const rates = Array.from({ length: runs }, () => measure(compare, pairs));
    return [scheme, String(pairs.length), Math.round(median(rates)).toLocaleString('en-US')];
  });
  return table(['scheme', 'distinct pairs', 'comparisons/s'], rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(versionsBench(Number(process.argv[2] ?? 3)));
}
