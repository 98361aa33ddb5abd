// The layer cache against real SQLite files: round trips, LRU eviction under a small bound, two
// processes writing at once, a damaged file, a directory it may not write, a full disk (a small
// tmpfs), status and clean.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { CACHE_FILE, LayerCache, defaultCacheDir, layerCacheKey } from '../../src/cache/layer-cache.js';

const root = mkdtempSync(join(tmpdir(), 'plimsoll-layer-cache-'));
after(() => {
  // The full-disk test unmounts its tmpfs; this is for a run that left that test out.
  if (!noSmallDisk) spawnSync('umount', [fullDisk]);
  rmSync(root, { recursive: true, force: true });
});
let dirs = 0;
const freshDir = (): string => join(root, `cache-${dirs++}`);
const BUILT = join(import.meta.dirname, '../../dist/cache/layer-cache.js');
const CHILD = join(import.meta.dirname, 'cache-child.mjs');
const asRoot = process.getuid?.() === 0;

function open(dir: string, maxBytes?: number): { cache: LayerCache; warnings: string[] } {
  const warnings: string[] = [];
  return { cache: LayerCache.open({ dir, ...(maxBytes !== undefined ? { maxBytes } : {}), onWarning: (m) => warnings.push(m) }), warnings };
}

describe('layerCacheKey', () => {
  const analyzers = [
    { name: 'dpkg', version: 1 },
    { name: 'npm', version: 3 },
  ];
  test('is a sha256 that does not depend on the analyzers’ order', () => {
    const key = layerCacheKey('sha256:aa', analyzers, '0.1.0');
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(layerCacheKey('sha256:aa', [...analyzers].reverse(), '0.1.0'), key);
  });
  test('changes with the diff ID, an analyzer, its version, or Plimsoll’s version', () => {
    const key = layerCacheKey('sha256:aa', analyzers, '0.1.0');
    const others = [
      layerCacheKey('sha256:ab', analyzers, '0.1.0'),
      layerCacheKey('sha256:aa', [{ name: 'dpkg', version: 1 }], '0.1.0'),
      layerCacheKey(
        'sha256:aa',
        [
          { name: 'dpkg', version: 2 },
          { name: 'npm', version: 3 },
        ],
        '0.1.0',
      ),
      layerCacheKey('sha256:aa', analyzers, '0.1.1'),
      // A name that would collide with a naive join.
      layerCacheKey(
        'sha256:aa',
        [
          { name: 'dpkg,1', version: 1 },
          { name: 'npm', version: 3 },
        ],
        '0.1.0',
      ),
    ];
    assert.equal(new Set([key, ...others]).size, others.length + 1);
  });
});

test('defaultCacheDir: PLIMSOLL_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
  const saved = { p: process.env.PLIMSOLL_CACHE_DIR, x: process.env.XDG_CACHE_HOME };
  try {
    process.env.PLIMSOLL_CACHE_DIR = '/somewhere/layers';
    assert.equal(defaultCacheDir(), '/somewhere/layers');
    delete process.env.PLIMSOLL_CACHE_DIR;
    process.env.XDG_CACHE_HOME = '/xdg';
    assert.equal(defaultCacheDir(), '/xdg/plimsoll/layers');
    delete process.env.XDG_CACHE_HOME;
    assert.match(defaultCacheDir(), /\/\.cache\/plimsoll\/layers$/);
  } finally {
    delete process.env.PLIMSOLL_CACHE_DIR;
    delete process.env.XDG_CACHE_HOME;
    if (saved.p !== undefined) process.env.PLIMSOLL_CACHE_DIR = saved.p;
    if (saved.x !== undefined) process.env.XDG_CACHE_HOME = saved.x;
  }
});

test('reading a cache that does not exist creates nothing; the first write makes the directory, mode 0700', () => {
  const dir = freshDir();
  const { cache, warnings } = open(dir);
  assert.equal(cache.get('k'), undefined);
  assert.deepEqual(cache.status(), { dir, records: 0, bytes: 0, maxBytes: 2 * 1024 ** 3 });
  assert.equal(existsSync(dir), false);
  const value = Buffer.from('listing '.repeat(1000));
  cache.put('k', value);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, CACHE_FILE)).mode & 0o777, 0o600);
  assert.deepEqual(cache.get('k'), value);
  const status = cache.status();
  assert.equal(status.records, 1);
  assert.ok(status.bytes > 0 && status.bytes < value.length / 10, `compressed: ${status.bytes} bytes`);
  assert.ok(status.oldest && status.newest && status.oldest.getTime() <= status.newest.getTime());
  cache.close();
  // Nothing but the database and its WAL companions.
  assert.deepEqual(
    readdirSync(dir).filter((f) => !f.startsWith(CACHE_FILE)),
    [],
  );
  const again = open(dir);
  assert.deepEqual(again.cache.get('k'), value, 'the record outlives the process that wrote it');
  again.cache.close();
  assert.deepEqual([...warnings, ...again.warnings], []);
});

test('past its bound the cache drops the least recently used records first; a read counts as a use', () => {
  const dir = freshDir();
  // Random bytes do not compress: each record costs about 1000 bytes of the bound.
  const value = (): Buffer => randomBytes(1000);
  const { cache, warnings } = open(dir, 3500);
  cache.put('a', value());
  cache.put('b', value());
  cache.put('c', value());
  assert.ok(cache.get('a'), 'a is now the most recently used');
  cache.put('d', value());
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((k) => cache.get(k) !== undefined),
    [true, false, true, true],
  );
  // The check above read a, c and d in that order: a is now the least recently used.
  cache.put('e', value());
  assert.deepEqual(
    ['a', 'c', 'd', 'e'].map((k) => cache.get(k) !== undefined),
    [false, true, true, true],
  );
  assert.ok(cache.status().bytes <= 3500);
  // A record larger than the whole bound is not stored, and evicts nothing.
  cache.put('huge', randomBytes(5000));
  assert.equal(cache.get('huge'), undefined);
  assert.equal(cache.status().records, 3);
  cache.close();
  assert.deepEqual(warnings, []);
});

test('evicted records give their space back to the file system', () => {
  const dir = freshDir();
  const large = open(dir, 1_000_000);
  for (let i = 0; i < 100; i++) large.cache.put(`k${i}`, randomBytes(1000));
  large.cache.close();
  const before = statSync(join(dir, CACHE_FILE)).size;
  assert.ok(before > 100_000, `${before} bytes`);
  // The same cache opened with a smaller bound: one put evicts nearly everything.
  const small = open(dir, 3500);
  small.cache.put('last', randomBytes(1000));
  assert.equal(small.cache.status().records, 3);
  small.cache.close();
  const after = statSync(join(dir, CACHE_FILE)).size;
  assert.ok(after < 3500 + 16 * 4096, `${after} bytes on disk, ${before} before`);
  assert.deepEqual([...large.warnings, ...small.warnings], []);
});

test('two processes writing at once share the cache: every record of both is there, no warning', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(BUILT), `${BUILT} missing: run npm run build first`);
  const dir = freshDir();
  const COUNT = 150;
  const run = (prefix: string): Promise<{ warnings: string[]; hits: number }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CHILD, BUILT, dir, 'write', prefix, String(COUNT)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { warnings: string[]; hits: number }) : reject(new Error(`child exited ${code}`))));
    });
  const results = await Promise.all([run('one'), run('two')]);
  assert.deepEqual(results, [
    { warnings: [], hits: COUNT },
    { warnings: [], hits: COUNT },
  ]);
  const { cache, warnings } = open(dir);
  assert.equal(cache.status().records, 2 * COUNT + 1);
  for (const prefix of ['one', 'two']) for (let i = 0; i < COUNT; i += 37) assert.ok(cache.get(`${prefix}-${i}`));
  assert.match(cache.get('shared')?.toString() ?? '', /^(one|two) \d+$/);
  cache.close();
  assert.deepEqual(warnings, []);
});

test('a damaged cache file: one warning, no exception, the scan goes on uncached; clean removes it', () => {
  const dir = freshDir();
  mkdirSync(dir);
  writeFileSync(join(dir, CACHE_FILE), randomBytes(8192));
  const { cache, warnings } = open(dir);
  assert.equal(cache.get('a'), undefined);
  cache.put('a', Buffer.from('x'));
  assert.equal(cache.get('a'), undefined);
  assert.deepEqual(cache.status().records, 0);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(
    warnings[0] as string,
    new RegExp(
      `layer cache ${join(dir, CACHE_FILE)}: cannot open \\(file is not a database\\); scanning without the cache; clear it with plimsoll cache clean`,
    ),
  );
  assert.deepEqual(cache.clean(), { records: 0, bytes: 8192 });
  assert.equal(existsSync(join(dir, CACHE_FILE)), false);
  cache.put('a', Buffer.from('x'));
  assert.deepEqual(cache.get('a'), Buffer.from('x'), 'usable again once cleaned');
  cache.close();
  assert.equal(warnings.length, 1);
});

test('a damaged record is dropped with a warning', () => {
  const dir = freshDir();
  const { cache, warnings } = open(dir);
  cache.put('a', Buffer.from('fine'));
  cache.close();
  // Overwrite the stored value with bytes that are not brotli.
  const db = new Database(join(dir, CACHE_FILE));
  db.prepare("UPDATE layers SET value = x'00ff00ff' WHERE key = 'a'").run();
  db.close();
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.status().records, 0);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] as string, /a damaged record was dropped/);
  cache.close();
});

test('a directory the user may not write: reads work, writes give one warning, nothing is thrown', { timeout: 60_000 }, () => {
  assert.ok(existsSync(BUILT), `${BUILT} missing: run npm run build first`);
  const dir = freshDir();
  const { cache } = open(dir);
  cache.put('mine-0', Buffer.from('value of mine-0 '.repeat(50)));
  cache.close();
  // As root, permissions do not bind: the child runs as nobody, who can read but not write the directory.
  if (asRoot) chmodSync(tmpdir(), statSync(tmpdir()).mode | 0o711);
  chmodSync(root, 0o711);
  chmodSync(dir, 0o555);
  chmodSync(join(dir, CACHE_FILE), 0o444);
  try {
    const r = spawnSync(process.execPath, [CHILD, BUILT, dir, 'write', 'mine', '2'], { encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { warnings: string[]; hits: number };
    assert.equal(result.warnings.length, 1, result.warnings.join('\n'));
    assert.match(result.warnings[0] as string, /^layer cache \S+: cannot (open|write) \(.*(readonly|read-only|unable to open).*\)/i);
    assert.ok(result.hits <= 1);
  } finally {
    chmodSync(dir, 0o700);
  }
});

/** A small tmpfs mounted at `dir`, or why there can be none here (not root, or no CAP_SYS_ADMIN in a container). */
function mountSmallDisk(dir: string): string | undefined {
  mkdirSync(dir);
  if (!asRoot) return 'needs root to mount a small tmpfs';
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { encoding: 'utf8' });
  return mount.status === 0 ? undefined : `cannot mount a small tmpfs here: ${mount.stderr.trim()}`;
}
const fullDisk = freshDir();
const noSmallDisk = mountSmallDisk(fullDisk);

test('a full disk: one warning, the records already there still read, no exception', { skip: noSmallDisk, timeout: 60_000 }, () => {
  const dir = fullDisk;
  try {
    const { cache, warnings } = open(join(dir, 'layers'));
    // Incompressible values, far more than 256 KiB of them.
    for (let i = 0; i < 20; i++) cache.put(`k${i}`, randomBytes(40_000));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] as string, /cannot (write|open) \(.*(disk is full|ENOSPC).*\); scanning on without/);
    assert.ok(cache.get('k0'), 'what was stored before the disk filled still reads');
    cache.close();
  } finally {
    assert.equal(spawnSync('umount', [dir]).status, 0);
  }
});

test('status and clean: records, bytes, bound, times; clean empties a live database', () => {
  const dir = freshDir();
  const { cache, warnings } = open(dir, 1_000_000);
  const before = Date.now();
  for (const k of ['a', 'b', 'c']) cache.put(k, randomBytes(500));
  const status = cache.status();
  assert.equal(status.records, 3);
  assert.ok(status.bytes >= 1500 && status.bytes < 1600, String(status.bytes));
  assert.equal(status.maxBytes, 1_000_000);
  assert.ok(status.oldest && status.oldest.getTime() >= before && status.newest && status.newest.getTime() >= status.oldest.getTime());
  const other = open(dir);
  assert.ok(other.cache.get('a'), 'another handle sees the records');
  assert.deepEqual(cache.clean(), { records: 3, bytes: status.bytes });
  assert.equal(other.cache.get('a'), undefined, 'and sees them gone');
  assert.deepEqual(cache.status(), { dir, records: 0, bytes: 0, maxBytes: 1_000_000 });
  other.cache.close();
  cache.close();
  assert.deepEqual([...warnings, ...other.warnings], []);
});
