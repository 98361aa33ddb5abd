// `npm run bench [-- --runs N --only images,vulndb,...]`: speed and memory against the cost of reading the image bytes.
import { parseArgs } from 'node:util';
import { imageBench } from './walk-bench.js';
import { startupBench } from './startup.js';
import { vulndbBench } from './vulndb.js';
import { enrichmentBench } from './enrichment.js';
import { hardeningBench } from './hardening.js';
import { matchBench } from './match.js';
import { mavenIndexBench } from './maven-index.js';
import { versionsBench } from './versions.js';
import { memoryBench } from './memory.js';
import { layerCacheBench } from './layer-cache.js';
import { needTestbed } from '../test/helpers/testbed.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, only: { type: 'string' } } });
const runs = Number(values.runs);
const only = values.only ? new Set(values.only.split(',')) : undefined;
const sections: [string, () => Promise<string> | string][] = [
  ['startup', () => startupBench(runs)],
  ['images', () => imageBench(runs)],
  ['hardening', () => hardeningBench(runs)],
  ['vulndb', () => vulndbBench(runs)],
  ['enrichment', () => enrichmentBench(runs)],
  ['match', () => matchBench(runs)],
  ['maven-index', () => mavenIndexBench(runs)],
  ['versions', () => versionsBench(runs)],
  ['layer-cache', () => layerCacheBench(runs)],
  // Peak RSS of the built CLI on generated layouts (one run each: they take minutes to write and read).
  ['memory', () => memoryBench()],
];

const missing = needTestbed();
if (missing) throw new Error(missing);
for (const [name, run] of sections) {
  if (only && !only.has(name)) continue;
  console.log(`\n## ${name} (median of ${runs} runs)\n`);
  console.log(await run());
}
