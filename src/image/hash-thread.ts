// Blob digests and diff IDs hashed on the layer worker thread (layer-thread.ts). sha256 of every layer
// byte (the blob as stored, and the tar when the blob is compressed) took about an eighth of the main
// thread's time in a scan of uncompressed layers; on the worker it costs the main thread one copy of each
// chunk into the stream's ring and a message per slot.
import type { Hasher } from './digest.js';
import type { FromWorker } from './layer-worker.js';
import { StreamRing, nextStreamId, pickWorker, spareCore, type LayerWorker, type WorkerPolicy } from './layer-thread.js';

/** Bytes from which a stream is hashed on a running worker: below, the ring and messages cost about what they save. */
export const MIN_THREADED_HASH = 1024 * 1024;
/** Bytes from which a stream starts the worker when none runs: the first rings fill and wait for its start (about 40 ms before it answers). */
export const MIN_HASH_WORKER_START = 8 * 1024 * 1024;
/** Bytes per slot: messages are one each way per slot; larger rings cost peak RSS (three streams may be read at once, two per gzip layer). */
const SLOT = 512 * 1024;
/** Slots a stream may have with the worker before a write waits. */
const SLOTS = 3;

/**
 * Hashing goes to a worker only when `PLIMSOLL_HASH_THREAD=1` asks (and a core is spare): on the shared
 * 2-core machine measured (README, Performance), it took 60-100 ms of CPU off the main thread of a
 * docker-archive scan of debian-app, but no time off the scan (the main thread waited for the worker's
 * start, then 10-30 ms at a time for a worker the scheduler had not run), and peak RSS grew by 25-35 MB
 * (the worker's isolate and the rings).
 */
function hashPolicy(): WorkerPolicy {
  const max = process.env.PLIMSOLL_HASH_THREAD === '1' && spareCore() ? 1 : 0;
  return { max, minJoin: MIN_THREADED_HASH, minStart: MIN_HASH_WORKER_START };
}

/** A hasher for a stream of about `bytes` whose work is done on the worker, or undefined when it is hashed in-thread. */
export function threadedHash(algorithm: string, bytes: number): ThreadedHash | undefined {
  const worker = pickWorker(bytes, hashPolicy());
  return worker && new ThreadedHash(worker, algorithm);
}

/** A hash computed on the worker from the chunks written to it, each copied into the stream's ring. */
export class ThreadedHash implements Hasher {
  private readonly id = nextStreamId();
  private readonly ring = new StreamRing({ input: SLOTS, output: 0, bytes: SLOT }, (input, length) => this.worker.post({ id: this.id, input, length }));
  /** The worker knows of the stream from its first write (a stream never written never holds the worker). */
  private state: 'new' | 'open' | 'over' = 'new';
  private failure: Error | undefined;
  private result: string | undefined;
  /** A write waiting for room, or the digest waiting for the worker. */
  private waiting: { resolve: () => void; reject: (err: Error) => void } | undefined;

  constructor(
    private readonly worker: LayerWorker,
    private readonly algorithm: string,
  ) {}

  write(chunk: Buffer): Promise<void> | undefined {
    this.open();
    if (this.failure) return Promise.reject(this.failure);
    let taken = false;
    this.ring.write(chunk, () => {
      taken = true;
      this.settle();
    });
    return taken ? undefined : this.wait();
  }

  async digest(): Promise<string> {
    this.open();
    if (this.state === 'open') {
      this.ring.flush();
      this.worker.post({ id: this.id, end: true });
    }
    if (this.result === undefined) await this.wait();
    return this.result as string;
  }

  close(): void {
    if (this.state === 'open') this.worker.remove(this.id, true);
    this.fail(new Error('hashing stopped: the stream was closed'));
  }

  received(message: FromWorker): void {
    this.ring.consumed(message.consumed);
    if (message.error !== undefined) {
      this.worker.remove(this.id, false);
      this.fail(new Error(`hashing failed: ${message.error}`));
    } else if (message.done) {
      this.result = message.done.digest;
      this.state = 'over';
      this.worker.remove(this.id, false);
      this.settle();
    }
  }

  stopped(err: Error): void {
    this.fail(err);
  }

  private open(): void {
    if (this.state !== 'new') return;
    this.state = 'open';
    this.worker.add(this.id, this.ring.ring, { hash: this.algorithm }, this);
  }

  private wait(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  private settle(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve();
  }

  private fail(err: Error): void {
    this.state = 'over';
    this.failure ??= err;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }
}
