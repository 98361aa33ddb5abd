// The worker thread that takes layer byte work off the main thread (see layer-worker.ts): decoding zstd
// (zstd-thread.ts) and hashing blobs and tars (hash-thread.ts). What keeps the main thread's share small
// (an earlier worker per layer cost more CPU than it saved):
//  - a worker is started once, when a stream first needs one, and serves every stream, each by its id;
//  - bytes cross through a small SharedArrayBuffer ring per stream, and one message tells of each turn;
//  - what comes back is copied out of the ring into this thread's own buffers: buffers handed over from
//    the worker escape reclaimBuffers' count, and ones handed back and forth kept it high, forcing
//    collections over and over.
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { FromWorker, Ring, Task, ToWorker } from './layer-worker.js';

/** The worker's own heap holds little: its chunks are outside it, libzstd's window is native. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 };
// The same module's compiled (.js) or source (.ts, run through tsx) sibling.
const EXTENSION = extname(fileURLToPath(import.meta.url));
const WORKER = new URL(`./layer-worker${EXTENSION}`, import.meta.url);

/**
 * Starts the worker module. Run from source (the tests), it is loaded through tsx's API: `--import tsx`
 * does not reach worker threads on Node 20. The CLI's own flags are not passed on.
 */
function startWorker(options: WorkerOptions): Worker {
  if (EXTENSION !== '.ts') return new Worker(WORKER, { ...options, execArgv: [] });
  const load = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(WORKER.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(load, { ...options, execArgv: [], eval: true });
}

/** A stream served by the worker: told of each turn the worker takes at it, and of the worker stopping. */
export interface WorkerStream {
  received(message: FromWorker): void;
  stopped(err: Error): void;
}

/** One worker thread and the streams it serves. It keeps the process alive only while it has some. */
export class LayerWorker {
  readonly streams = new Map<number, WorkerStream>();
  private readonly worker: Worker;

  constructor(private readonly onExit: (self: LayerWorker) => void) {
    this.worker = startWorker({ resourceLimits: RESOURCE_LIMITS });
    this.worker.unref();
    this.worker.on('message', (message: FromWorker) => this.streams.get(message.id)?.received(message));
    this.worker.on('error', (err) => this.stopped(`layer thread stopped: ${err.message}`));
    this.worker.on('exit', (code) => this.stopped(`layer thread stopped (exit code ${code})`));
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  add(id: number, ring: Ring, task: Task, stream: WorkerStream): void {
    if (this.streams.size === 0) this.worker.ref();
    this.streams.set(id, stream);
    this.post({ id, start: ring, task });
  }

  /** Frees the stream's place, telling the worker to drop it when it may still be working on it. */
  remove(id: number, cancel: boolean): void {
    if (!this.streams.delete(id)) return;
    if (cancel) this.post({ id, cancel: true });
    if (this.streams.size === 0) this.worker.unref();
  }

  private stopped(message: string): void {
    this.onExit(this);
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const stream of streams) stream.stopped(new Error(message));
  }
}

/** When a stream goes to a worker. */
export interface WorkerPolicy {
  /** Workers there may be for such streams (0: none). */
  max: number;
  /** Bytes from which a stream joins a running worker. */
  minJoin: number;
  /** Bytes from which a stream starts a worker when none is free. */
  minStart: number;
}

const workers: LayerWorker[] = [];
let lastId = 0;

/** The id of a new stream: unique in the process, whichever worker serves it. */
export function nextStreamId(): number {
  return ++lastId;
}

/** Whether this machine has a core for a worker beside the main thread. */
export function spareCore(): boolean {
  return availableParallelism() > 1;
}

/** The worker with the fewest streams, or a new one when every running one has some, more may run and the stream is worth it. */
export function pickWorker(bytes: number, policy: WorkerPolicy): LayerWorker | undefined {
  if (policy.max === 0 || bytes < policy.minJoin) return undefined;
  const least = workers.reduce<LayerWorker | undefined>((best, w) => (best && best.streams.size <= w.streams.size ? best : w), undefined);
  if (least && (least.streams.size === 0 || workers.length >= policy.max || bytes < policy.minStart)) return least;
  if (bytes < policy.minStart) return undefined;
  const started = new LayerWorker((self) => {
    const at = workers.indexOf(self);
    if (at >= 0) workers.splice(at, 1);
  });
  workers.push(started);
  return started;
}

/**
 * A stream's ring, and the copying of what is written to it into its input slots: each slot is sent
 * once full (or at the end), and a write waits for the worker to free a slot when none is.
 */
export class StreamRing {
  readonly ring: Ring;
  /** The whole ring, as this thread sees it. */
  readonly bytes: Buffer;
  private readonly freeInputs: number[];
  /** The input slot being filled, and how far. */
  private filling: number | undefined;
  private filled = 0;
  /** A written chunk not yet all in input slots, and how far it is. */
  private writing: { chunk: Buffer; at: number; done: () => void } | undefined;

  constructor(
    slots: { input: number; output: number; bytes: number },
    private readonly send: (slot: number, length: number) => void,
  ) {
    this.ring = {
      buffer: new SharedArrayBuffer((slots.input + slots.output) * slots.bytes),
      slotBytes: slots.bytes,
      inputSlots: slots.input,
      outputSlots: slots.output,
    };
    this.bytes = Buffer.from(this.ring.buffer);
    this.freeInputs = Array.from({ length: slots.input }, (_, slot) => slot);
  }

  /** Copies `chunk` in; `done` is called once all of it is (at once, when slots are free). */
  write(chunk: Buffer, done: () => void): void {
    this.writing = { chunk, at: 0, done };
    this.fill();
  }

  /** Input slots the worker has used up: free again, for the rest of a waiting write. */
  consumed(slots: readonly number[]): void {
    if (slots.length === 0) return;
    this.freeInputs.push(...slots);
    this.fill();
  }

  /** Sends the slot being filled: the input has ended. */
  flush(): void {
    if (this.filled > 0) this.sendInput();
  }

  /** Where output slot `slot` starts in {@link bytes}. */
  outputAt(slot: number): number {
    return (this.ring.inputSlots + slot) * this.ring.slotBytes;
  }

  private fill(): void {
    const writing = this.writing;
    if (!writing) return;
    const slotBytes = this.ring.slotBytes;
    while (writing.at < writing.chunk.length) {
      if (this.filling === undefined) {
        this.filling = this.freeInputs.pop();
        if (this.filling === undefined) return;
      }
      const n = Math.min(slotBytes - this.filled, writing.chunk.length - writing.at);
      writing.chunk.copy(this.bytes, this.filling * slotBytes + this.filled, writing.at, writing.at + n);
      writing.at += n;
      this.filled += n;
      if (this.filled === slotBytes) this.sendInput();
    }
    this.writing = undefined;
    writing.done();
  }

  private sendInput(): void {
    this.send(this.filling as number, this.filled);
    this.filling = undefined;
    this.filled = 0;
  }
}
