// zstd layers decoded on worker threads. libzstd (through zstd-napi) decodes on the thread that calls
// it, so in-thread decoding takes the main thread from tar parsing and indexing, and layers read side
// by side decode one after the other. A worker per large layer decodes beside them. It is off unless
// PLIMSOLL_ZSTD_THREADS asks for it: measured on a shared 2-core machine (debian-app recompressed, three
// layers of 2.6, 24 and 41 MB), two workers left the walk's wall time where it was (2.42 s against 2.50 s,
// medians of six) for 0.35 s more CPU and 60 MB more peak memory; with idle cores to run on it can help.
// Small layers always stay in-thread: starting a worker costs more than decoding them.
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Duplex, type TransformCallback } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { DecoderData, FromDecoder, ToDecoder } from './zstd-worker.js';

/**
 * Compressed bytes from which a layer is worth a worker. Measured on a 41 MB layer (120 MB of tar): a
 * worker costs 80-120 ms of CPU (its start, the hand-overs) and takes ~230 ms of decoding off the main
 * thread, so below ~16 MB it costs more than it saves.
 */
export const MIN_THREADED_ZSTD = 16 * 1024 * 1024;
/** Decoded chunks a worker may hold ready for the main thread. */
const AHEAD = 4;
/** Compressed chunks sent before the worker says it used the first. */
const IN_FLIGHT = 2;
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

let running = 0;

/** Workers at once: `PLIMSOLL_ZSTD_THREADS` (none when unset), at most one per core, and none on a single core. */
function maxWorkers(): number {
  const asked = Number.parseInt(process.env.PLIMSOLL_ZSTD_THREADS ?? '0', 10);
  const cores = availableParallelism();
  return Number.isInteger(asked) && asked > 0 && cores > 1 ? Math.min(asked, cores) : 0;
}

/** A decoder on its own worker thread, or undefined when every allowed worker is busy. */
export function threadedZstdDecoder(outputChunk: number): Duplex | undefined {
  if (running >= maxWorkers()) return undefined;
  return new ThreadedDecoder(outputChunk);
}

class ThreadedDecoder extends Duplex {
  private readonly worker: Worker;
  /** [chunks the worker sent, chunks taken here], shared with the worker. */
  private readonly counters: Int32Array;
  private readonly decoded: Buffer[] = [];
  private reading = false;
  private ended = false;
  private inFlight = 0;
  private blockedWrite: TransformCallback | undefined;
  private finished: TransformCallback | undefined;
  private released = false;

  constructor(outputChunk: number) {
    super();
    running++;
    const credit = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    this.counters = new Int32Array(credit);
    const workerData: DecoderData = { credit, ahead: AHEAD, outputChunk };
    this.worker = startWorker({ workerData, resourceLimits: RESOURCE_LIMITS });
    this.worker.on('message', (message: FromDecoder) => this.received(message));
    this.worker.on('error', (err) => this.destroy(new Error(`decompression thread stopped: ${err.message}`)));
    this.worker.on('exit', (code) => {
      if (!this.released) this.destroy(new Error(`decompression thread stopped (exit code ${code})`));
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    // A copy of its own to hand over: a stream's chunk may be a view of a larger, shared buffer.
    const copy = new Uint8Array(chunk);
    this.worker.postMessage({ chunk: copy } satisfies ToDecoder, [copy.buffer]);
    if (++this.inFlight < IN_FLIGHT) done();
    else this.blockedWrite = done;
  }

  override _final(done: TransformCallback): void {
    this.finished = done;
    this.worker.postMessage({ end: true } satisfies ToDecoder);
  }

  override _read(): void {
    this.reading = true;
    this.deliver();
  }

  /** Hands decoded chunks on while the reader wants them, each one taken letting the worker decode another. */
  private deliver(): void {
    while (this.reading && this.decoded.length > 0) {
      const chunk = this.decoded.shift() as Buffer;
      Atomics.add(this.counters, 1, 1);
      Atomics.notify(this.counters, 1);
      this.reading = this.push(chunk);
    }
    if (this.ended && this.decoded.length === 0) this.push(null);
  }

  private received(message: FromDecoder): void {
    if ('out' in message) {
      this.decoded.push(Buffer.from(message.out, 0, message.length));
      this.deliver();
    } else if ('consumed' in message) {
      this.inFlight--;
      const resume = this.blockedWrite;
      this.blockedWrite = undefined;
      resume?.();
    } else if ('done' in message) {
      this.ended = true;
      this.release();
      this.finished?.();
      this.deliver();
    } else this.destroy(new Error(message.error));
  }

  /** Ends the worker and frees its place (once). */
  private release(): void {
    if (this.released) return;
    this.released = true;
    running--;
    // Wakes a worker waiting for the reader, so that it stops at once.
    Atomics.store(this.counters, 1, 1 << 30);
    Atomics.notify(this.counters, 1);
    void this.worker.terminate();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.release();
    done(err);
  }
}
