// `plimsoll cache status|clean` and the image commands' --cache-dir / --no-cache: exit codes,
// messages, and nothing written outside the cache directory named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CACHE_FILE, LayerCache } from '../../src/cache/layer-cache.js';
import { CLI, assertOneLineError, type CliRun } from '../helpers/cli.js';
import { TESTBED, needTestbed } from '../helpers/testbed.js';

const ALPINE = `oci:${TESTBED}/oci/alpine-3.20:3.20.3`;
const scratch = mkdtempSync(join(tmpdir(), 'plimsoll-cache-cli-'));
/** A home of its own, so a default cache directory would show up here and nowhere else. */
const home = join(scratch, 'home');
mkdirSync(home);

function run(args: string[], env: Record<string, string> = {}): CliRun {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PLIMSOLL_|XDG_)/.test(k)));
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    env: { ...clean, HOME: home, CI: 'true', ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('plimsoll cache status and clean', () => {
  it('status of a cache not made yet: empty, and nothing is created', () => {
    const dir = join(scratch, 'not-yet');
    const r = run(['cache', 'status', '--cache-dir', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `Layer cache: ${dir}\nRecords:     0\nSize:        0 B of 2.0 GiB\nOldest use:  -\nNewest use:  -\n`);
    assert.equal(r.stderr, '');
    assert.equal(existsSync(dir), false);
  });

  it('status counts the records (JSON too), clean removes them; PLIMSOLL_CACHE_DIR names the directory', () => {
    const dir = join(scratch, 'filled');
    const cache = LayerCache.open({ dir });
    cache.put('a', Buffer.from('one'));
    cache.put('b', Buffer.from('two'));
    cache.close();
    const json = run(['cache', 'status', '--format', 'json'], { PLIMSOLL_CACHE_DIR: dir });
    assert.equal(json.status, 0, json.stderr);
    const status = JSON.parse(json.stdout) as { dir: string; records: number; bytes: number; maxBytes: number; oldest: string; newest: string };
    assert.deepEqual([status.dir, status.records, status.maxBytes], [dir, 2, 2 * 1024 ** 3]);
    assert.ok(status.bytes > 0);
    assert.ok(Date.parse(status.oldest) <= Date.parse(status.newest) && Date.parse(status.newest) <= Date.now());
    const table = run(['cache', 'status', '--cache-dir', dir]);
    assert.match(table.stdout, /^Records: {5}2$/m);
    assert.match(table.stdout, /^Oldest use: {2}\d{4}-\d\d-\d\dT/m);
    const cleaned = run(['cache', 'clean', '--cache-dir', dir]);
    assert.equal(cleaned.status, 0, cleaned.stderr);
    assert.equal(cleaned.stdout, `removed 2 records (${status.bytes} B) from ${dir}\n`);
    assert.match(run(['cache', 'status', '--cache-dir', dir]).stdout, /^Records: {5}0$/m);
  });

  it('a damaged cache file: status warns in one line and exits 0; clean removes the file', () => {
    const dir = join(scratch, 'damaged');
    mkdirSync(dir);
    writeFileSync(join(dir, CACHE_FILE), 'not a database, not at all'.repeat(100));
    const status = run(['cache', 'status', '--cache-dir', dir]);
    assert.equal(status.status, 0);
    assert.match(status.stdout, /^Records: {5}0$/m);
    assert.match(
      status.stderr,
      /^plimsoll: warning: layer cache .*: cannot open \(file is not a database\); scanning without the cache; clear it with plimsoll cache clean\n$/,
    );
    const cleaned = run(['cache', 'clean', '--cache-dir', dir]);
    assert.equal(cleaned.status, 0, cleaned.stderr);
    assert.equal(cleaned.stdout, `removed 0 records (2.5 KiB) from ${dir}\n`);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a --cache-dir that is a file, or under one: one line, exit 2', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    assertOneLineError(run(['cache', 'status', '--cache-dir', file]), `--cache-dir ${file}: not a directory`);
    assertOneLineError(run(['cache', 'clean', '--cache-dir', join(file, 'sub')]), `--cache-dir ${join(file, 'sub')}: a parent of it is not a directory`);
  });
});

describe('--cache-dir and --no-cache on the image commands', { skip: needTestbed() }, () => {
  const file = join(scratch, 'not-a-dir');
  writeFileSync(file, 'x');

  it('a --cache-dir (or PLIMSOLL_CACHE_DIR) that is a file stops sbom and image before anything is read: one line, exit 2', () => {
    assertOneLineError(run(['sbom', '--cache-dir', file, ALPINE]), `--cache-dir ${file}: not a directory`);
    assertOneLineError(run(['image', '--offline', '--scanners', 'config', ALPINE], { PLIMSOLL_CACHE_DIR: file }), `--cache-dir ${file}: not a directory`);
  });

  it('--no-cache (or PLIMSOLL_NO_CACHE) leaves the cache alone, even one that could not be used', () => {
    const r = run(['sbom', '--offline', '--no-cache', '-f', 'json', ALPINE], { PLIMSOLL_CACHE_DIR: file });
    assert.equal(r.status, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as { packages: unknown[] }).packages.length > 0);
    assert.equal(run(['sbom', '--offline', '-f', 'json', ALPINE], { PLIMSOLL_CACHE_DIR: file, PLIMSOLL_NO_CACHE: 'true' }).status, 0);
  });

  it('a scan writes nothing outside the cache directory it was given (the home stays empty)', () => {
    const dir = join(scratch, 'named');
    const r = run(['image', '--offline', '--scanners', 'config,secret', '-f', 'json', '--cache-dir', dir, ALPINE]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(home), []);
    if (existsSync(dir))
      assert.deepEqual(
        readdirSync(dir).filter((f) => !f.startsWith(CACHE_FILE)),
        [],
      );
  });
});
