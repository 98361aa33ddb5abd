// Blob digests and diff IDs hashed on the layer worker thread: the same digests as in-thread hashing,
// the same errors (a tampered layer is a digest mismatch), and a worker that never keeps a process alive.
// The policy test comes first: the worker is per process, and it needs a process where none has started.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { DigestMismatchError } from '../../src/errors.js';
import { VerifyingStream } from '../../src/image/digest.js';
import { MIN_HASH_WORKER_START, MIN_THREADED_HASH, threadedHash, type ThreadedHash } from '../../src/image/hash-thread.js';
import { BUILT_CLI, assertOneLineError, plimsoll } from '../helpers/cli.js';
import { sha256, tarBytes, writeLayout } from '../helpers/make-image.js';

const LARGE = MIN_HASH_WORKER_START;
// Hashing on the worker is opt-in; these tests (and the CLI runs they make, which inherit it) ask for it.
process.env.PLIMSOLL_HASH_THREAD = '1';

/** A hasher on the worker: failing, not falling back, when none may start (one core). */
function onWorker(algorithm: string): ThreadedHash {
  return threadedHash(algorithm, LARGE) ?? assert.fail('no worker thread may start: hashing on one needs two cores');
}

/** Writes `bytes` in `piece`-sized writes, waiting whenever the hasher asks, and returns its digest. */
async function hashInPieces(hasher: ThreadedHash, bytes: Buffer, piece: number): Promise<string> {
  for (let at = 0; at < bytes.length; at += piece) await hasher.write(bytes.subarray(at, at + piece));
  return hasher.digest();
}

/** An uncompressed layer larger than MIN_HASH_WORKER_START, whose middle byte (inside a file's body) can be flipped without breaking the tar. */
async function largePlainLayer(): Promise<{ tar: Buffer; tampered: Buffer }> {
  const tar = await tarBytes([
    { name: 'etc/hostname', body: 'x\n' },
    { name: 'opt/blob.bin', body: randomBytes(LARGE + 512 * 1024) },
  ]);
  const tampered = Buffer.from(tar);
  const middle = tampered.length >> 1;
  tampered.writeUInt8(tampered.readUInt8(middle) ^ 0xff, middle);
  return { tar, tampered };
}

/** A `docker save` archive (OCI-blob names) of one layer, whose stored bytes are `stored` though its name says `tar`'s digest. */
async function dockerArchive(tar: Buffer, stored: Buffer): Promise<string> {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(tar)] } });
  const layerName = `blobs/sha256/${sha256(tar).slice(7)}`;
  const configName = `blobs/sha256/${sha256(config).slice(7)}`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: ['test:1'], Layers: [layerName] }]);
  const file = join(mkdtempSync(join(tmpdir(), 'plimsoll-test-archive-')), 'image.tar');
  writeFileSync(
    file,
    await tarBytes([
      { name: 'manifest.json', body: manifest },
      { name: configName, body: config },
      { name: layerName, body: stored },
    ]),
  );
  return file;
}

describe('hashing on the layer worker thread', () => {
  it('is chosen for large streams only, once a large one started the worker, and only when PLIMSOLL_HASH_THREAD=1', (t) => {
    assert.ok(availableParallelism() > 1, 'the worker needs two cores');
    const middling = (MIN_THREADED_HASH + MIN_HASH_WORKER_START) >> 1;
    assert.equal(threadedHash('sha256', middling), undefined, 'a middling stream starts no worker');
    const large = onWorker('sha256');
    assert.ok(threadedHash('sha256', middling), 'a middling stream joins a running worker');
    assert.equal(threadedHash('sha256', MIN_THREADED_HASH - 1), undefined, 'a small stream stays in-thread');
    t.after(() => (process.env.PLIMSOLL_HASH_THREAD = '1'));
    for (const off of ['0', undefined]) {
      if (off === undefined) delete process.env.PLIMSOLL_HASH_THREAD;
      else process.env.PLIMSOLL_HASH_THREAD = off;
      assert.equal(threadedHash('sha256', LARGE), undefined, `PLIMSOLL_HASH_THREAD=${off}: none`);
    }
    large.close();
  });

  for (const algorithm of ['sha256', 'sha512']) {
    it(`gives crypto's ${algorithm} for the same bytes, however they are cut (empty, small, slot-sized, larger than the ring)`, async () => {
      const bytes = randomBytes(5 * 1024 * 1024 + 7);
      const expected = (b: Buffer): string => createHash(algorithm).update(b).digest('hex');
      assert.equal(await onWorker(algorithm).digest(), expected(Buffer.alloc(0)), 'nothing written');
      assert.equal(await hashInPieces(onWorker(algorithm), bytes.subarray(0, 3), 1), expected(bytes.subarray(0, 3)));
      assert.equal(await hashInPieces(onWorker(algorithm), bytes, 65_537), expected(bytes));
      assert.equal(await hashInPieces(onWorker(algorithm), bytes, 1024 * 1024), expected(bytes));
      assert.equal(await hashInPieces(onWorker(algorithm), bytes, bytes.length), expected(bytes), 'one write larger than the ring');
    });
  }

  it('has copied what was written once the write resolves: the writer may then reuse its buffer', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const hasher = onWorker('sha256');
    const scratch = Buffer.alloc(100_000);
    for (let at = 0; at < bytes.length; at += scratch.length) {
      const n = bytes.copy(scratch, 0, at, at + scratch.length);
      await hasher.write(scratch.subarray(0, n));
      scratch.fill(0);
    }
    assert.equal(await hasher.digest(), createHash('sha256').update(bytes).digest('hex'));
  });

  it('a large blob that does not match its digest fails its VerifyingStream with a digest mismatch', async () => {
    const bytes = randomBytes(LARGE);
    const named = sha256(Buffer.concat([bytes, Buffer.from('x')]));
    const check = new VerifyingStream(named, 'blob test', LARGE);
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    await assert.rejects(pipeline(Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), check, sink), (err: unknown) => {
      assert.ok(err instanceof DigestMismatchError, String(err));
      assert.match(err.message, new RegExp(`expected ${named}, got ${sha256(bytes)}`));
      return true;
    });
  });

  it('a tampered large uncompressed layer is a digest mismatch, in a docker-archive and in an OCI layout', async () => {
    const { tar, tampered } = await largePlainLayer();
    const archive = await dockerArchive(tar, tampered);
    assertOneLineError(plimsoll('files', `docker-archive:${archive}`), 'digest mismatch', `expected ${sha256(tar)}`, `got ${sha256(tampered)}`);
    const layout = writeLayout([{ blob: tar, mediaType: 'application/vnd.oci.image.layer.v1.tar' }]);
    writeFileSync(join(layout, 'blobs/sha256', sha256(tar).slice(7)), tampered);
    assertOneLineError(plimsoll('files', `oci:${layout}:test`), 'digest mismatch', `expected ${sha256(tar)}`, `got ${sha256(tampered)}`);
    // The untampered archive scans: the worker's digest is the layer's.
    const clean = plimsoll('files', `docker-archive:${await dockerArchive(tar, tar)}`);
    assert.equal(clean.status, 0, clean.stderr);
    assert.match(clean.stdout, /opt\/blob\.bin/);
    // The bundled CLI starts the worker from its own entry (scripts/bundle-cli.mjs).
    const built = spawnSync(process.execPath, [BUILT_CLI, 'files', `docker-archive:${archive}`], { encoding: 'utf8', timeout: 60_000 });
    assertOneLineError({ status: built.status, stdout: built.stdout, stderr: built.stderr }, 'digest mismatch', `got ${sha256(tampered)}`);
  });

  it("a large gzip layer's diff ID, hashed on the worker, is checked against the config", async () => {
    const tar = await tarBytes([{ name: 'opt/blob.bin', body: randomBytes(LARGE + 1024) }]);
    const blob = gzipSync(tar, { level: 1 });
    assert.ok(blob.length >= LARGE, 'random bytes do not compress: the blob is large enough for the worker');
    const wrong = writeLayout([{ blob, tar: Buffer.from('not the layer') }]);
    assertOneLineError(plimsoll('files', `oci:${wrong}:test`), `uncompressed digest ${sha256(tar)}`, `diff ID ${sha256('not the layer')}`);
    const right = plimsoll('files', `oci:${writeLayout([{ blob, tar }])}:test`);
    assert.equal(right.status, 0, right.stderr);
  });

  it('never keeps the process alive: not when idle, not after a digest, not when a hash is dropped half-way', () => {
    const script = `
      import { threadedHash } from ${JSON.stringify(join(import.meta.dirname, '../../src/image/hash-thread.ts'))};
      const size = ${LARGE};
      const idle = threadedHash('sha256', size);
      const done = threadedHash('sha256', size);
      const dropped = threadedHash('sha256', size);
      if (!idle || !done || !dropped) throw new Error('no worker');
      await done.write(Buffer.alloc(3 << 20, 1));
      console.log(await done.digest());
      await dropped.write(Buffer.alloc(5 << 20, 2));
      dropped.close();
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `exit status ${r.status} (null: still running after 30 s, held by the worker); stderr: ${r.stderr}`);
    assert.equal(
      r.stdout.trim(),
      createHash('sha256')
        .update(Buffer.alloc(3 << 20, 1))
        .digest('hex'),
    );
  });
});
