// Octal number fields are read exactly on both sides of the small-integer range V8 keeps unboxed
// (tar.ts hands values up to 2^30 - 1 back as such, larger ones as they are), however hot the reader runs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readTar, type ByteSource } from '../../src/image/tar.js';
import { END, header } from '../adversarial/tar-variants.js';

/** Headers back to back, each body (gigabytes here) skipped without being there: only headers are read. */
class HeadersOnly implements ByteSource {
  offset = 0;
  private at = 0;
  constructor(private readonly headers: Buffer) {}
  readNow(n: number): Buffer {
    const out = this.headers.subarray(this.at, this.at + n);
    this.at += out.length;
    this.offset += out.length;
    return out;
  }
  read(n: number): Promise<Buffer> {
    return Promise.resolve(this.readNow(n));
  }
  skipNow(n: number): boolean {
    this.offset += n;
    return true;
  }
  skip(n: number): Promise<number> {
    this.offset += n;
    return Promise.resolve(n);
  }
}

describe('tar octal numbers', () => {
  it('sizes past 2^30, 2^31 and 2^32 are read exactly, in every one of many headers', async () => {
    // Up to the largest size 11 octal digits hold (8 GiB - 1).
    const sizes = [0, 1, 2 ** 30 - 1, 2 ** 30, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 8 ** 11 - 1];
    const rounds = 2000;
    const headers: Buffer[] = [];
    for (let i = 0; i < rounds; i++) for (const size of sizes) headers.push(header({ name: `f${i}-${size}`, size }));
    const read: number[] = [];
    await readTar(
      new HeadersOnly(Buffer.concat([...headers, END])),
      () => undefined,
      (member) => void read.push(member.header.size),
    );
    assert.equal(read.length, rounds * sizes.length);
    for (let i = 0; i < read.length; i++) assert.equal(read[i], sizes[i % sizes.length], `entry ${i}`);
  });
});
