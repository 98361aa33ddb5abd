// Which zstd layers go to the decoding worker: a large one starts it, a middling one only joins it
// once it runs, a small one never goes, and PLIMSOLL_ZSTD_THREADS=0 keeps every layer in-thread.
// A file of its own: the worker is per process, and this needs a process where none has started yet.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { MIN_THREADED_ZSTD, MIN_WORKER_START, threadedZstdDecoder } from '../../src/image/zstd-thread.js';

const MIDDLING = (MIN_THREADED_ZSTD + MIN_WORKER_START) >> 1;

describe('the zstd decoding worker', () => {
  it('is started by a large layer only, then joined by middling ones, never by small ones', (t) => {
    assert.ok(availableParallelism() > 1, 'the worker needs two cores');
    process.env.PLIMSOLL_ZSTD_THREADS = '1';
    t.after(() => delete process.env.PLIMSOLL_ZSTD_THREADS);
    assert.equal(threadedZstdDecoder(MIDDLING), undefined, 'a middling layer starts no worker');
    const large = threadedZstdDecoder(MIN_WORKER_START);
    assert.ok(large, 'a large layer starts one');
    const middling = threadedZstdDecoder(MIDDLING);
    assert.ok(middling, 'a middling layer joins it');
    assert.equal(threadedZstdDecoder(MIN_THREADED_ZSTD - 1), undefined, 'a small layer stays in-thread');
    process.env.PLIMSOLL_ZSTD_THREADS = '0';
    assert.equal(threadedZstdDecoder(MIN_WORKER_START), undefined, 'PLIMSOLL_ZSTD_THREADS=0: none');
    large.destroy();
    middling.destroy();
  });
});
