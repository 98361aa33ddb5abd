// `db export` / `db import`: one compressed file carries the database into a closed network;
// the import checks the sha256 its manifest records before installing anything.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { SCHEMA_VERSION, openDatabase, runDbExport, runDbImport, runDbStatus, runDbUpdate } from '../../src/vulndb/index.js';
import { MIRROR } from './mirror-truth.js';

const noMirror = existsSync(join(MIRROR, 'osv')) ? undefined : `vulnerability mirror not found at ${MIRROR}`;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let work: string;
let source: string;
let exported: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-vulndb-'));
  if (noMirror) return;
  const mirror = join(work, 'mirror');
  mkdirSync(join(mirror, 'osv'), { recursive: true });
  symlinkSync(join(MIRROR, 'osv', 'crates.io'), join(mirror, 'osv', 'crates.io'));
  symlinkSync(join(MIRROR, 'alpine-secdb'), join(mirror, 'alpine-secdb'));
  source = join(work, 'source');
  await runDbUpdate({ dbDir: source, mirror, quiet: true });
  exported = join(work, 'db.tar.gz');
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('export and import', { skip: noMirror }, () => {
  test('round trip: the imported file is byte for byte the exported one, as its sha256 shows', async () => {
    const manifest = await runDbExport(exported, { dbDir: source });
    const original = sha256(join(source, 'plimsoll.db'));
    assert.equal(manifest.sha256, original);

    // The export is a gzip tar: manifest.json first, then plimsoll.db (listed by GNU tar).
    assert.deepEqual(execFileSync('tar', ['-tzf', exported], { encoding: 'utf8' }).trim().split('\n'), ['manifest.json', 'plimsoll.db']);
    const onDisk = JSON.parse(execFileSync('tar', ['-xzOf', exported, 'manifest.json'], { encoding: 'utf8' })) as typeof manifest;
    assert.equal(onDisk.sha256, original);
    assert.equal(onDisk.schemaVersion, SCHEMA_VERSION);
    assert.deepEqual(onDisk.sources, runDbStatus({ dbDir: source }).sources);

    const target = join(work, 'target');
    const imported = await runDbImport(exported, { dbDir: target });
    assert.equal(imported.sha256, original);
    assert.equal(sha256(join(target, 'plimsoll.db')), original);
    const db = openDatabase(target);
    try {
      assert.ok(db.advisoriesFor('crates.io', 'tokio').length > 0);
      assert.equal(db.builtAt, manifest.builtAt);
    } finally {
      db.close();
    }
  });

  test('a tampered export is refused and the installed database is left alone', async () => {
    const target = join(work, 'tamper-target');
    await runDbImport(exported, { dbDir: target });
    const installed = sha256(join(target, 'plimsoll.db'));

    // Flip one byte of the database inside the tar (past the 512-byte manifest header and body).
    const tar = gunzipSync(readFileSync(exported));
    const dbOffset = tar.indexOf('SQLite format 3\0');
    tar[dbOffset + 5000] = (tar[dbOffset + 5000] ?? 0) ^ 0xff;
    const tampered = join(work, 'tampered.tar.gz');
    writeFileSync(tampered, gzipSync(tar));
    await assert.rejects(runDbImport(tampered, { dbDir: target }), (err: Error) => {
      assert.ok(err instanceof InputError);
      assert.match(err.message, /tampered\.tar\.gz: database digest mismatch: manifest says sha256:[0-9a-f]{64} .* got sha256:[0-9a-f]{64}/);
      return true;
    });
    assert.equal(sha256(join(target, 'plimsoll.db')), installed);
  });

  test('exporting without a database says so in one line', async () => {
    await assert.rejects(
      runDbExport(join(work, 'none.tar.gz'), { dbDir: join(work, 'no-db') }),
      /no-db\/plimsoll\.db: no vulnerability database; run 'plimsoll db update'/,
    );
    assert.equal(existsSync(join(work, 'none.tar.gz')), false);
  });

  test('a file that is not an export gets a one-line error naming it', async () => {
    const garbage = join(work, 'garbage.tar.gz');
    writeFileSync(garbage, 'not gzip at all');
    await assert.rejects(runDbImport(garbage, { dbDir: join(work, 'g') }), /garbage\.tar\.gz: not a Plimsoll database export \(incorrect header check\)$/);
    const truncated = join(work, 'truncated.tar.gz');
    const whole = readFileSync(exported);
    writeFileSync(truncated, whole.subarray(0, whole.length >> 1));
    await assert.rejects(runDbImport(truncated, { dbDir: join(work, 't') }), /truncated\.tar\.gz: not a Plimsoll database export \(unexpected end of file\)$/);
    assert.equal(existsSync(join(work, 't', 'plimsoll.db')), false);
  });
});
