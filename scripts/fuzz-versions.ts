// Development run: many generated version pairs per scheme, each compared by
// Plimsoll and by the ecosystem's reference program.
//   node --import tsx scripts/fuzz-versions.ts --pairs 1000000 [--seed S] [--scheme dpkg,rpm]
import { parseArgs } from 'node:util';
import type { SchemeName } from '../src/versions/index.js';
import { checkAgreement, describe, PLANS, type Plan } from '../test/versions/agreement.js';
import { dpkgLibraryOracle } from '../test/versions/oracles.js';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    scheme: { type: 'string' },
    chunk: { type: 'string', default: '100000' },
  },
});

const total = Number(values.pairs);
const chunk = Number(values.chunk);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const schemes = (values.scheme?.split(',') ?? Object.keys(PLANS)) as SchemeName[];
if (!Number.isInteger(total) || total <= 0 || !Number.isInteger(seed) || !Number.isInteger(chunk) || chunk <= 0) {
  console.error('usage: fuzz-versions.ts --pairs N [--seed S] [--scheme a,b] [--chunk N]');
  process.exit(2);
}

let failed = false;
for (const scheme of schemes) {
  // dpkg's CLI answers a few hundred pairs a second; its library, when installed, answers the same far faster.
  const fast = scheme === 'dpkg' && dpkgLibraryOracle.unavailable() === null;
  const plan: Plan | undefined = fast && PLANS.dpkg ? { ...PLANS.dpkg, oracle: dpkgLibraryOracle } : PLANS[scheme];
  if (plan === undefined) {
    console.error(`${scheme}: no reference program (schemes with one: ${Object.keys(PLANS).join(', ')})`);
    failed = true;
    continue;
  }
  const unavailable = plan.oracle.unavailable();
  if (unavailable !== null) {
    console.error(`${scheme}: skipped, ${unavailable}`);
    failed = true;
    continue;
  }
  const started = Date.now();
  let pairs = 0;
  let invalid = 0;
  let mismatches = 0;
  // Chunk k uses seed + k, so a chunk that disagrees can be replayed alone with --seed and --pairs = --chunk.
  for (let k = 0; pairs < total; k++) {
    const n = Math.min(chunk, total - pairs);
    const outcome = await checkAgreement(scheme, seed + k, n, plan);
    pairs += outcome.pairs;
    invalid += outcome.invalid;
    mismatches += outcome.mismatches.length;
    for (const m of outcome.mismatches.slice(0, 5)) console.log(`${scheme} (seed ${seed + k}): ${describe(m)}`);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${scheme} (${plan.oracle.name}): ${pairs} pairs (seed ${seed}, chunks of ${chunk}), ${pairs - invalid} ordered, ${invalid} rejected by both, ${mismatches} disagreements, ${seconds.toFixed(1)} s`,
  );
  if (mismatches > 0) failed = true;
}
process.exit(failed ? 1 : 0);
