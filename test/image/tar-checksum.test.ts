// A header's checksum is checked as Go's archive/tar checks it: the unsigned sum of its bytes, or the
// signed one old Sun tar wrote, wherever the header lies in the chunk the stream gave.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { readLayer } from '../../src/image/layer-reader.js';
import { END, header, member } from '../adversarial/tar-variants.js';

async function paths(tar: Buffer): Promise<string[]> {
  const content = await readLayer(Readable.from([tar]), { index: 0, digest: 'sha256:l' }, { requests: [], maxLayerSize: 1 << 30, what: 'layer' });
  return [...content.entries].map((e) => e.path);
}

/** `bytes` at `offset` into a larger buffer: a header whose block is not word-aligned in memory. */
function at(offset: number, bytes: Buffer): Buffer {
  const backing = Buffer.alloc(offset + bytes.length);
  bytes.copy(backing, offset);
  return backing.subarray(offset);
}

describe('tar header checksums', () => {
  // Bytes past 127 in the name make the signed and unsigned sums differ.
  const name = 'usr/share/doc/café/naïve';

  it('an unsigned or a signed sum is accepted, at every alignment of the block', async () => {
    for (const signedChecksum of [false, true]) {
      const tar = Buffer.concat([header({ name, signedChecksum }), END]);
      for (let offset = 0; offset < 4; offset++) assert.deepEqual(await paths(at(offset, tar)), [name], `signed ${signedChecksum}, offset ${offset}`);
    }
  });

  it('a sum off by one is refused, at every alignment of the block', async () => {
    const tar = Buffer.concat([member({ name: 'ok' }), header({ name, badChecksum: true }), END]);
    for (let offset = 0; offset < 4; offset++) await assert.rejects(paths(at(offset, tar)), /bad checksum/);
  });
});
