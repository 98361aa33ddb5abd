// How a layer's tar ends decides what a runtime unpacks: Plimsoll stops where runtimes stop and
// says so when the tar is odd.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { readLayer } from '../../src/image/layer-reader.js';
import { END, member } from '../adversarial/tar-variants.js';

async function read(tar: Buffer): Promise<{ paths: string[]; warnings: string[]; diffId?: string }> {
  const content = await readLayer(Readable.from([tar]), { index: 0, digest: 'sha256:l' }, { requests: [], maxLayerSize: 1 << 30, what: 'layer' });
  return {
    paths: [...content.entries].map((e) => e.path),
    warnings: content.warnings.map((w) => w.message),
    ...(content.diffId ? { diffId: content.diffId } : {}),
  };
}

describe('the end of a layer tar', () => {
  const file = member({ name: 'lib/apk/db/installed' }, 'P:musl\nV:1.1.22-r3\n\n');

  it('an entry after the end-of-archive marker is not read, and the trailing data is reported', async () => {
    const r = await read(Buffer.concat([file, END, member({ name: 'lib/apk/db/installed' }, 'P:musl\nV:9.9-r9\n\n'), END]));
    assert.deepEqual(r.paths, ['lib/apk/db/installed']);
    assert.deepEqual(r.warnings, ['layer sha256:l: 2048 bytes after the end-of-archive marker ignored, as container runtimes ignore them']);
  });

  it('zero padding after the marker (a 10 KiB record) is no cause for a warning', async () => {
    const r = await read(Buffer.concat([file, END, Buffer.alloc(8192)]));
    assert.deepEqual(r.warnings, []);
  });

  it('a missing marker, a missing padding and V7 headers are read with a warning', async () => {
    assert.match((await read(file)).warnings.join(), /no end-of-archive marker/);
    assert.match((await read(file.subarray(0, 512 + 21))).warnings.join(), /ends right after the last entry's data/);
    const v7 = await read(Buffer.concat([member({ name: 'old', format: 'v7', type: '\0' }, 'x'), END]));
    assert.deepEqual(v7.paths, ['old']);
    assert.match(v7.warnings.join(), /V7-format/);
  });

  it('a zero block in mid-stream is refused as runtimes refuse it', async () => {
    await assert.rejects(
      read(Buffer.concat([file, Buffer.alloc(512), member({ name: 'x' }, 'y'), END])),
      /layer: not a valid tar archive \(zero block in mid-stream at offset 1024/,
    );
  });

  it('the diff ID is the sha256 of every uncompressed byte, the trailing ones included', async () => {
    const { createHash } = await import('node:crypto');
    const tar = Buffer.concat([file, END, Buffer.from('junk')]);
    assert.equal((await read(tar)).diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
  });
});
