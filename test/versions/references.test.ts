// Our comparators against each ecosystem's reference program, on seeded
// generated pairs (see generators.ts, oracles.ts). A failure prints the seed;
// replay it with PLIMSOLL_VERSIONS_SEED=<seed> or scripts/fuzz-versions.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SchemeName } from '../../src/versions/index.js';
import { checkAgreement, describe, PLANS } from './agreement.js';

const SEED = Number(process.env.PLIMSOLL_VERSIONS_SEED ?? 20261130);

for (const [scheme, plan] of Object.entries(PLANS) as [SchemeName, NonNullable<(typeof PLANS)[SchemeName]>][]) {
  const skip = plan.oracle.unavailable() ?? false;
  const pairs = plan.ciPairs ?? 10_000;
  test(`${scheme} agrees with ${plan.oracle.name} on ${pairs} generated pairs`, { skip, timeout: 300_000 }, async (t) => {
    t.diagnostic(`seed ${SEED}`);
    const outcome = await checkAgreement(scheme, SEED, pairs);
    t.diagnostic(`${outcome.pairs} pairs, ${outcome.pairs - outcome.invalid} ordered, ${outcome.invalid} rejected by both`);
    assert.equal(outcome.pairs, pairs);
    assert.deepEqual(outcome.mismatches.slice(0, 20).map(describe), [], `${outcome.mismatches.length} disagreements (seed ${SEED})`);
  });
}
