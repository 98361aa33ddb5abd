#!/usr/bin/env node
// Records what the pipeline produces on every testbed image through every transport (counts, OS,
// package layer attribution) into test/fixtures/pipeline-counts.json, with the commit, command and
// date it was recorded at. test/cli/pipeline-counts.test.ts compares a fresh run against it.
//   npm run build && PLIMSOLL_SHARED=../shared node scripts/record-pipeline-counts.mjs
// Re-record only when a change of counts or attribution is intended, and say so in the commit.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { register } from 'tsx/esm/api';

register();
const { COUNTS_FILE, buildDatabase, measure, targets } = await import('../test/helpers/pipeline-counts.ts');
const { needRegistry } = await import('../test/helpers/testbed.ts');

const missing = needRegistry();
if (missing) {
  console.error(`record-pipeline-counts: ${missing}`);
  process.exit(2);
}
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src') !== '';
const db = await buildDatabase();
try {
  const started = performance.now();
  const all = targets();
  const measured = await measure(all, db.dbDir);
  const provenance = {
    commit: `${git('rev-parse', 'HEAD')}${dirty ? ' (with uncommitted changes under src/)' : ''}`,
    command: 'npm run build && node scripts/record-pipeline-counts.mjs',
    date: new Date().toISOString(),
    database: 'db update --mirror $PLIMSOLL_SHARED/vulndata --offline (frozen feeds)',
  };
  writeFileSync(COUNTS_FILE, `${JSON.stringify({ provenance, ...measured }, null, 1)}\n`);
  console.log(`${all.length} scans recorded in ${COUNTS_FILE} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
} finally {
  db.remove();
}
