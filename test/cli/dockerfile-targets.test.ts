// `plimsoll dockerfile` over a directory (every Dockerfile at any depth, node_modules and .git
// skipped) and over standard input with `-`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, assertOneLineError, plimsoll } from '../helpers/cli.js';

const ROOT_IMAGE = 'FROM debian:latest\nRUN apt-get install curl\n';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-dockerfiles-'));
  for (const path of [
    'Dockerfile',
    'api/Dockerfile.prod',
    'web/app.Dockerfile',
    'deep/er/Containerfile',
    'node_modules/x/Dockerfile',
    '.git/Dockerfile',
    'docs/Dockerfile.md.txt.not',
  ]) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), ROOT_IMAGE);
  }
  writeFileSync(join(dir, 'README.md'), 'FROM nothing\n');
  return dir;
}

describe('plimsoll dockerfile DIR and -', () => {
  it('a directory: every Dockerfile in it, recursively, not node_modules or .git', () => {
    const dir = tree();
    const r = plimsoll('dockerfile', dir, '-f', 'json');
    assert.equal(r.status, 0, r.stderr);
    const paths = [...new Set((JSON.parse(r.stdout).findings as { path: string }[]).map((f) => f.path.slice(dir.length + 1)))].sort();
    assert.deepEqual(paths, ['Dockerfile', 'api/Dockerfile.prod', 'deep/er/Containerfile', 'docs/Dockerfile.md.txt.not', 'web/app.Dockerfile']);
  });
  it('--fail-on over a directory fails on any file', () => {
    assert.equal(plimsoll('dockerfile', tree(), '--fail-on', 'low').status, 1);
  });
  it('a directory with none is one line, exit 2', () => {
    assertOneLineError(plimsoll('dockerfile', mkdtempSync(join(tmpdir(), 'plimsoll-empty-'))), 'no Dockerfile in this directory');
  });
  it('- reads standard input, the findings named -', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'dockerfile', '-', '-f', 'json'], { input: ROOT_IMAGE, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const findings = JSON.parse(r.stdout).findings as { id: string; path: string }[];
    assert.ok(
      findings.some((f) => f.id === 'PLD001'),
      'debian:latest is not pinned',
    );
    assert.ok(findings.every((f) => f.path === '-'));
  });
});
