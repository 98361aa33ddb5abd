// The worker-thread side of {@link ../layer-thread.ts}: takes the byte work of layer streams off the
// main thread. One worker serves every stream at once, each by its id; a stream either decodes zstd
// (with libzstd) and hashes what it decodes (the diff ID), or only hashes its input (a blob's digest, a
// gzip layer's diff ID). Bytes move through the stream's ring, a SharedArrayBuffer of fixed slots:
// nothing is allocated, copied or handed over here. A decoding stream decodes only into output slots
// the main thread has freed, which it does as its reader takes each chunk, so a decompression bomb
// never runs ahead of the layer's size limit, and a stream waiting for its reader leaves the worker to
// the others.
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import libzstd from 'zstd-napi/binding.js';
import { errorMessage } from '../errors.js';

/** A stream's shared slots: `inputSlots` for the bytes it is given, then `outputSlots` for decoded ones, `slotBytes` each. */
export interface Ring {
  buffer: SharedArrayBuffer;
  slotBytes: number;
  inputSlots: number;
  outputSlots: number;
}

/** What a stream does with its input: decode it as zstd and hash the output, or hash it as it is. */
export type Task = { zstd: true } | { hash: string };

/** What the main thread sends about stream `id`. */
export type ToWorker = { id: number } & (
  | { start: Ring; task: Task }
  /** Input bytes: the first `length` of input slot `slot`. */
  | { input: number; length: number }
  /** Output slots free to decode into. */
  | { room: number[] }
  | { end: true }
  /** The reader is gone: forget the stream. */
  | { cancel: true }
);
/**
 * What the worker sends about stream `id` after each turn at it: the output slots it decoded into (in
 * order, with the bytes each holds), the input slots it used up, and whether the stream is over.
 */
export interface FromWorker {
  id: number;
  out: { slot: number; length: number }[];
  consumed: number[];
  /**
   * The digest (hex) sent with the end: of the decoded bytes (sha256, a zstd layer's diff ID) or of the
   * input (a hashing stream's algorithm), hashed here rather than on the main thread.
   */
  done?: { digest: string };
  error?: string;
}

interface Stream {
  ring: Ring;
  /** Absent for a stream that only hashes. */
  dctx: libzstd.DCtx | undefined;
  hash: Hash;
  /** Input not yet used, with the slot each is in. */
  pending: { rest: Uint8Array; slot: number }[];
  room: number[];
  ended: boolean;
  /** libzstd holds part of a frame (decoded bytes, or a frame's start). */
  frameOpen: boolean;
}

const port = parentPort;
const streams = new Map<number, Stream>();

/** Hashes what a hashing stream was given: each slot is free again at once. */
function hashInput(stream: Stream, report: FromWorker): void {
  for (const input of stream.pending) {
    stream.hash.update(input.rest);
    report.consumed.push(input.slot);
  }
  stream.pending = [];
}

/** Decodes a zstd stream as far as its input and room allow. */
function decode(stream: Stream, dctx: libzstd.DCtx, report: FromWorker): void {
  const { buffer, slotBytes, inputSlots } = stream.ring;
  for (;;) {
    const input = stream.pending[0];
    const out = stream.room[0];
    if (!input || out === undefined) break;
    const target = new Uint8Array(buffer, (inputSlots + out) * slotBytes, slotBytes);
    const [remaining, produced, consumed] = dctx.decompressStream(target, input.rest);
    // libzstd reports 0 only once a frame is decoded and flushed, checksum included.
    stream.frameOpen = remaining !== 0;
    input.rest = input.rest.subarray(consumed);
    if (produced > 0) {
      stream.hash.update(target.subarray(0, produced));
      stream.room.shift();
      report.out.push({ slot: out, length: produced });
    }
    // A full slot may leave decoded bytes inside libzstd: the input is used up only once a slot is left unfilled.
    if (input.rest.length === 0 && produced < slotBytes) {
      stream.pending.shift();
      report.consumed.push(input.slot);
    }
  }
}

/** Works on stream `id` as far as its input and room allow, ends it if its input has ended, and says what it did. */
function pump(id: number, stream: Stream): void {
  const report: FromWorker = { id, out: [], consumed: [] };
  try {
    if (stream.dctx) decode(stream, stream.dctx, report);
    else hashInput(stream, report);
    if (stream.ended && stream.pending.length === 0) {
      if (stream.frameOpen) report.error = 'zstd: truncated: the data ends inside a frame';
      else report.done = { digest: stream.hash.digest('hex') };
    }
  } catch (err) {
    // libzstd's names for its errors; "zstd" makes the layer reader call them corrupt data.
    report.error = stream.dctx ? `zstd: ${errorMessage(err)}` : errorMessage(err);
  }
  const over = report.done !== undefined || report.error !== undefined;
  if (over) streams.delete(id);
  if (over || report.out.length > 0 || report.consumed.length > 0) port?.postMessage(report);
}

port?.on('message', (message: ToWorker) => {
  const { id } = message;
  if ('start' in message) {
    const { start: ring, task } = message;
    const room = Array.from({ length: ring.outputSlots }, (_, slot) => slot);
    const dctx = 'zstd' in task ? new libzstd.DCtx() : undefined;
    const hash = createHash('zstd' in task ? 'sha256' : task.hash);
    streams.set(id, { ring, dctx, hash, pending: [], room, ended: false, frameOpen: false });
    return;
  }
  const stream = streams.get(id);
  // A stream that failed or was cancelled: what was already on its way for it is dropped.
  if (!stream) return;
  if ('cancel' in message) {
    streams.delete(id);
    return;
  }
  if ('input' in message) {
    const { buffer, slotBytes } = stream.ring;
    stream.pending.push({ rest: new Uint8Array(buffer, message.input * slotBytes, message.length), slot: message.input });
  } else if ('room' in message) stream.room.push(...message.room);
  else stream.ended = true;
  pump(id, stream);
});
