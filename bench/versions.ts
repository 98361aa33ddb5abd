// Comparisons per second for each comparator, on a fixed mix of real and
// generated versions (valid ones only: the matcher compares what it parsed).
//   node --import tsx bench/versions.ts
import { pathToFileURL } from 'node:url';
import { versions, type SchemeName } from '../src/versions/index.js';
import { generatePairs } from '../test/versions/generators.js';

export interface VersionBenchResult {
  scheme: SchemeName;
  comparisonsPerSecond: number;
}

const PAIRS = 2_000;
const MIN_MILLISECONDS = 300;

function validPairs(scheme: SchemeName): [string, string][] {
  const compare = versions[scheme].compare;
  return generatePairs(scheme, 1, PAIRS * 4).filter(([a, b]) => {
    try {
      compare(a, b);
      return true;
    } catch {
      return false;
    }
  }).slice(0, PAIRS);
}

/** Measures every comparator (warm caches, as in the matcher's loop); about half a second each. */
export function benchVersions(): VersionBenchResult[] {
  return (Object.keys(versions) as SchemeName[]).map((scheme) => {
    const compare = versions[scheme].compare;
    const pairs = validPairs(scheme);
    let count = 0;
    let sink = 0;
    const started = performance.now();
    while (performance.now() - started < MIN_MILLISECONDS) {
      for (const [a, b] of pairs) sink += compare(a, b);
      count += pairs.length;
    }
    const elapsed = (performance.now() - started) / 1000;
    // Use the results, so that the loop cannot be optimised away.
    if (sink === Number.MAX_SAFE_INTEGER) console.log(sink);
    return { scheme, comparisonsPerSecond: Math.round(count / elapsed) };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const { scheme, comparisonsPerSecond } of benchVersions()) {
    console.log(`${scheme.padEnd(10)} ${comparisonsPerSecond.toLocaleString('en-US').padStart(14)} comparisons/s`);
  }
}
