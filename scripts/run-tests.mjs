#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner through tsx.
// Node 20's --test takes no globs, so the file list is built here.
// The tests get a temporary directory of their own, removed afterwards, so the layouts, bundles
// and databases they make never pile up in the machine's /tmp, even when a test fails half-way.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : find(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : find('test').sort();
const scratch = mkdtempSync(join(tmpdir(), 'plimsoll-tests-'));
try {
  // The CLI's layer cache goes there too, never into the user's ~/.cache.
  const env = { ...process.env, TMPDIR: scratch, PLIMSOLL_CACHE_DIR: join(scratch, 'layer-cache') };
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env });
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
