// The tar reader's bytes from a stream: reads that span chunks give the right bytes, keep what is left
// of the last chunk for the next read, and a body of many chunks is a buffer of its own (it is kept,
// and must not hold the stream's chunks alive with it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamSource } from '../../src/image/tar.js';

async function* chunksOf(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

describe('StreamSource', () => {
  it('reads across chunks and keeps the rest of the last one for the next read', async () => {
    const source = new StreamSource(chunksOf('abc', 'defg', 'hijkl')[Symbol.asyncIterator]());
    assert.equal((await source.read(2)).toString(), 'ab');
    assert.equal((await source.read(6)).toString(), 'cdefgh');
    assert.equal(source.offset, 8);
    assert.equal((await source.read(3)).toString(), 'ijk');
    assert.equal(await source.skip(5), 1);
    assert.equal((await source.read(1)).length, 0);
    assert.equal(source.offset, 12);
  });

  it('gives what there is when the stream ends before a read is satisfied', async () => {
    const source = new StreamSource(chunksOf('abc', 'de')[Symbol.asyncIterator]());
    assert.equal((await source.read(1)).toString(), 'a');
    assert.equal((await source.read(10)).toString(), 'bcde');
    assert.equal(source.offset, 5);
  });

  it('a read of many whole chunks is a buffer of exactly its size, sharing memory with none of them', async () => {
    const parts = [Buffer.alloc(64 * 1024, 1), Buffer.alloc(64 * 1024, 2), Buffer.alloc(64 * 1024, 3)];
    const source = new StreamSource(
      (async function* () {
        yield* parts;
      })()[Symbol.asyncIterator](),
    );
    const body = await source.read(3 * 64 * 1024);
    assert.equal(body.buffer.byteLength, body.length);
    assert.ok(parts.every((part) => part.buffer !== body.buffer));
    assert.deepEqual([body[0], body[64 * 1024], body.at(-1)], [1, 2, 3]);
  });
});
