// zstd layers decoded on the layer worker thread (layer-thread.ts). libzstd (through zstd-napi, which
// has no asynchronous API) decodes on the thread that calls it, so in-thread decoding takes the main
// thread from tar parsing and indexing, and layers read side by side decode one after the other. The
// worker decodes them, and hashes what it decodes (the diff ID), beside that work.
import { availableParallelism } from 'node:os';
import { Duplex, type TransformCallback } from 'node:stream';
import type { FromWorker } from './layer-worker.js';
import { StreamRing, nextStreamId, pickWorker, type LayerWorker, type WorkerPolicy } from './layer-thread.js';

/**
 * Compressed bytes from which a layer starts a worker when none runs: the start (~50 ms of CPU, measured
 * on alpine-3.20-zstd's 3.4 MB layer, where it made the walk slower) costs about what decoding and
 * hashing 8 MB saves the main thread.
 */
export const MIN_WORKER_START = 8 * 1024 * 1024;
/** Compressed bytes from which a layer joins a running worker: below, the ring and messages cost about what they save. */
export const MIN_THREADED_ZSTD = 1024 * 1024;
/** Bytes per slot of a stream's ring: in-thread decoding's output chunk. */
const SLOT = 256 * 1024;
/** Decoded chunks a stream may have waiting for its reader. */
const OUTPUT_SLOTS = 4;
/** Compressed chunks: one being filled, two with the worker. */
const INPUT_SLOTS = 3;

/**
 * Decoding workers: as many as `PLIMSOLL_ZSTD_THREADS` asks, at most one per core; none on a single core,
 * and none unless asked: on the 2-core machine measured (`npm run bench -- --only zstd`), `plimsoll image`
 * of a four-layer zstd image took longer with the worker (2.04 s against 1.86 s, and more CPU), since the
 * libuv pool and V8's own threads leave no core idle for it.
 */
function zstdPolicy(): WorkerPolicy {
  const asked = Number.parseInt(process.env.PLIMSOLL_ZSTD_THREADS ?? '', 10);
  const cores = availableParallelism();
  const max = cores > 1 && Number.isInteger(asked) && asked >= 0 ? Math.min(asked, cores) : 0;
  return { max, minJoin: MIN_THREADED_ZSTD, minStart: MIN_WORKER_START };
}

/** A decoder whose work is done on a worker thread for a blob of `blobBytes`, or undefined when it is decoded in-thread. */
export function threadedZstdDecoder(blobBytes: number): ThreadedDecoder | undefined {
  const worker = pickWorker(blobBytes, zstdPolicy());
  return worker && new ThreadedDecoder(worker, nextStreamId());
}

/** A zstd decoder (compressed bytes in, tar out, as libzstdDecoder) whose decoding and hashing run on a worker. */
export class ThreadedDecoder extends Duplex {
  /** The sha256 (hex) of the whole output, once it has ended. */
  private sha256: string | undefined;
  private readonly ring = new StreamRing({ input: INPUT_SLOTS, output: OUTPUT_SLOTS, bytes: SLOT }, (input, length) =>
    this.worker.post({ id: this.id, input, length }),
  );
  private finished: TransformCallback | undefined;
  /** Decoded output slots not yet handed to the reader. */
  private readonly decoded: { slot: number; length: number }[] = [];
  /** Output slots handed to the reader since they were last given back to the worker. */
  private freed: number[] = [];
  private reading = false;
  private ended = false;
  private active = true;

  constructor(
    private readonly worker: LayerWorker,
    private readonly id: number,
  ) {
    super();
    worker.add(id, this.ring.ring, { zstd: true }, this);
  }

  /** The sha256 (hex) of everything decoded, hashed on the worker: call once the output has ended. */
  outputSha256(): string {
    if (this.sha256 === undefined) throw new Error('zstd: the output has not ended');
    return this.sha256;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.ring.write(chunk, done);
  }

  override _final(done: TransformCallback): void {
    this.ring.flush();
    this.finished = done;
    this.worker.post({ id: this.id, end: true });
  }

  override _read(): void {
    this.reading = true;
    this.deliver();
  }

  /**
   * Hands decoded chunks on while the reader wants them, each copied out of its slot into a buffer of
   * this thread's (as in-thread decoding allocates them); the slots go back to the worker two at a time.
   */
  private deliver(): void {
    while (this.reading && this.decoded.length > 0) {
      const { slot, length } = this.decoded.shift() as { slot: number; length: number };
      const chunk = Buffer.allocUnsafe(length);
      const from = this.ring.outputAt(slot);
      this.ring.bytes.copy(chunk, 0, from, from + length);
      this.freed.push(slot);
      if (this.freed.length >= OUTPUT_SLOTS / 2 && this.active) {
        this.worker.post({ id: this.id, room: this.freed });
        this.freed = [];
      }
      this.reading = this.push(chunk);
    }
    if (this.ended && this.decoded.length === 0) this.push(null);
  }

  received(message: FromWorker): void {
    this.ring.consumed(message.consumed);
    this.decoded.push(...message.out);
    if (message.error !== undefined) {
      this.leave(false);
      this.destroy(new Error(message.error));
      return;
    }
    if (message.done) {
      this.sha256 = message.done.digest;
      this.ended = true;
      this.leave(false);
      this.finished?.();
    }
    this.deliver();
  }

  stopped(err: Error): void {
    this.active = false;
    this.destroy(err);
  }

  /** Frees the stream's place on the worker (once), telling the worker to drop it if it still decodes it. */
  private leave(cancel: boolean): void {
    if (!this.active) return;
    this.active = false;
    this.worker.remove(this.id, cancel);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.leave(true);
    done(err);
  }
}
