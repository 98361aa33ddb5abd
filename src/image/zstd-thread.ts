// zstd layers decoded on a worker thread. libzstd (through zstd-napi, which has no asynchronous API)
// decodes on the thread that calls it, so in-thread decoding takes the main thread from tar parsing and
// indexing, and layers read side by side decode one after the other. The worker decodes them, and
// hashes what it decodes (the diff ID), beside that work.
// What keeps the main thread's share small (an earlier worker per layer cost more CPU than it saved):
//  - one worker is started once and serves every layer, each stream by its id;
//  - bytes cross through a small SharedArrayBuffer ring per stream, and one message tells of each turn;
//  - decoded chunks are copied out of the ring into this thread's own buffers: buffers handed over from
//    the worker escape reclaimBuffers' count, and ones handed back and forth kept it high, forcing
//    collections over and over.
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Duplex, type TransformCallback } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { FromDecoder, Ring, ToDecoder } from './zstd-worker.js';

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
/** The worker's own heap holds little: its chunks are outside it, libzstd's window is native. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 };
// The same module's compiled (.js) or source (.ts, run through tsx) sibling.
const EXTENSION = extname(fileURLToPath(import.meta.url));
const WORKER = new URL(`./zstd-worker${EXTENSION}`, import.meta.url);

/**
 * Starts the worker module. Run from source (the tests), it is loaded through tsx's API: `--import tsx`
 * does not reach worker threads on Node 20. The CLI's own flags are not passed on.
 */
function startWorker(options: WorkerOptions): Worker {
  if (EXTENSION !== '.ts') return new Worker(WORKER, { ...options, execArgv: [] });
  const load = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(WORKER.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(load, { ...options, execArgv: [], eval: true });
}

/**
 * Decoding workers: as many as `PLIMSOLL_ZSTD_THREADS` asks, at most one per core; none on a single core,
 * and none unless asked: on the 2-core machine measured (`npm run bench -- --only zstd`), `plimsoll image`
 * of a four-layer zstd image took longer with the worker (2.04 s against 1.86 s, and more CPU), since the
 * libuv pool and V8's own threads leave no core idle for it.
 */
function maxWorkers(): number {
  const cores = availableParallelism();
  if (cores < 2) return 0;
  const asked = Number.parseInt(process.env.PLIMSOLL_ZSTD_THREADS ?? '', 10);
  return Number.isInteger(asked) && asked >= 0 ? Math.min(asked, cores) : 0;
}

/** One worker thread and the streams it decodes. It keeps the process alive only while it has some. */
class DecoderWorker {
  readonly streams = new Map<number, ThreadedDecoder>();
  private readonly worker: Worker;

  constructor(private readonly onExit: (self: DecoderWorker) => void) {
    this.worker = startWorker({ resourceLimits: RESOURCE_LIMITS });
    this.worker.on('message', (message: FromDecoder) => this.streams.get(message.id)?.received(message));
    this.worker.on('error', (err) => this.stopped(`decompression thread stopped: ${err.message}`));
    this.worker.on('exit', (code) => this.stopped(`decompression thread stopped (exit code ${code})`));
  }

  post(message: ToDecoder): void {
    this.worker.postMessage(message);
  }

  add(id: number, ring: Ring, decoder: ThreadedDecoder): void {
    if (this.streams.size === 0) this.worker.ref();
    this.streams.set(id, decoder);
    this.post({ id, start: ring });
  }

  remove(id: number): void {
    if (this.streams.delete(id) && this.streams.size === 0) this.worker.unref();
  }

  private stopped(message: string): void {
    this.onExit(this);
    for (const decoder of this.streams.values()) decoder.destroy(new Error(message));
  }
}

const workers: DecoderWorker[] = [];
let lastId = 0;

/** The worker with the fewest streams, or a new one when every running one has some, more may run and the layer is worth it. */
function pickWorker(blobBytes: number): DecoderWorker | undefined {
  const max = maxWorkers();
  if (max === 0 || blobBytes < MIN_THREADED_ZSTD) return undefined;
  const least = workers.reduce<DecoderWorker | undefined>((best, w) => (best && best.streams.size <= w.streams.size ? best : w), undefined);
  if (least && (least.streams.size === 0 || workers.length >= max || blobBytes < MIN_WORKER_START)) return least;
  if (blobBytes < MIN_WORKER_START) return undefined;
  const started = new DecoderWorker((self) => {
    const at = workers.indexOf(self);
    if (at >= 0) workers.splice(at, 1);
  });
  workers.push(started);
  return started;
}

/** A decoder whose work is done on a worker thread for a blob of `blobBytes`, or undefined when it is decoded in-thread. */
export function threadedZstdDecoder(blobBytes: number): ThreadedDecoder | undefined {
  const worker = pickWorker(blobBytes);
  return worker && new ThreadedDecoder(worker, ++lastId);
}

/** A zstd decoder (compressed bytes in, tar out, as libzstdDecoder) whose decoding and hashing run on a worker. */
export class ThreadedDecoder extends Duplex {
  /** The sha256 (hex) of the whole output, once it has ended. */
  private sha256: string | undefined;
  private readonly ring: Ring = {
    buffer: new SharedArrayBuffer((INPUT_SLOTS + OUTPUT_SLOTS) * SLOT),
    slotBytes: SLOT,
    inputSlots: INPUT_SLOTS,
    outputSlots: OUTPUT_SLOTS,
  };
  private readonly bytes = Buffer.from(this.ring.buffer);
  private readonly freeInputs = Array.from({ length: INPUT_SLOTS }, (_, slot) => slot);
  /** The input slot being filled, and how far. */
  private filling: number | undefined;
  private filled = 0;
  /** A written chunk not yet all in input slots, and how far it is. */
  private writing: { chunk: Buffer; at: number; done: TransformCallback } | undefined;
  private finished: TransformCallback | undefined;
  /** Decoded output slots not yet handed to the reader. */
  private readonly decoded: { slot: number; length: number }[] = [];
  /** Output slots handed to the reader since they were last given back to the worker. */
  private freed: number[] = [];
  private reading = false;
  private ended = false;
  private active = true;

  constructor(
    private readonly worker: DecoderWorker,
    private readonly id: number,
  ) {
    super();
    worker.add(id, this.ring, this);
  }

  /** The sha256 (hex) of everything decoded, hashed on the worker: call once the output has ended. */
  outputSha256(): string {
    if (this.sha256 === undefined) throw new Error('zstd: the output has not ended');
    return this.sha256;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.writing = { chunk, at: 0, done };
    this.fill();
  }

  override _final(done: TransformCallback): void {
    if (this.filled > 0) this.sendInput();
    this.finished = done;
    this.worker.post({ id: this.id, end: true });
  }

  /** Copies the written chunk into input slots, sending each one filled; waits for the worker to free one when none is. */
  private fill(): void {
    const writing = this.writing;
    if (!writing) return;
    while (writing.at < writing.chunk.length) {
      if (this.filling === undefined) {
        this.filling = this.freeInputs.pop();
        if (this.filling === undefined) return;
      }
      const n = Math.min(SLOT - this.filled, writing.chunk.length - writing.at);
      writing.chunk.copy(this.bytes, this.filling * SLOT + this.filled, writing.at, writing.at + n);
      writing.at += n;
      this.filled += n;
      if (this.filled === SLOT) this.sendInput();
    }
    this.writing = undefined;
    writing.done();
  }

  private sendInput(): void {
    this.worker.post({ id: this.id, input: this.filling as number, length: this.filled });
    this.filling = undefined;
    this.filled = 0;
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
      const from = (INPUT_SLOTS + slot) * SLOT;
      this.bytes.copy(chunk, 0, from, from + length);
      this.freed.push(slot);
      if (this.freed.length >= OUTPUT_SLOTS / 2 && this.active) {
        this.worker.post({ id: this.id, room: this.freed });
        this.freed = [];
      }
      this.reading = this.push(chunk);
    }
    if (this.ended && this.decoded.length === 0) this.push(null);
  }

  received(message: FromDecoder): void {
    this.freeInputs.push(...message.consumed);
    if (message.consumed.length > 0) this.fill();
    this.decoded.push(...message.out);
    if (message.error !== undefined) {
      this.leave(false);
      this.destroy(new Error(message.error));
      return;
    }
    if (message.done) {
      this.sha256 = message.done.sha256;
      this.ended = true;
      this.leave(false);
      this.finished?.();
    }
    this.deliver();
  }

  /** Frees the stream's place on the worker (once), telling the worker to drop it if it still decodes it. */
  private leave(cancel: boolean): void {
    if (!this.active) return;
    this.active = false;
    if (cancel) this.worker.post({ id: this.id, cancel: true });
    this.worker.remove(this.id);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.leave(true);
    done(err);
  }
}
