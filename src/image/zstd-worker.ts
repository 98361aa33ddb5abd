// The worker-thread side of {@link ../zstd-thread.ts}: decodes one zstd stream with libzstd, off the
// main thread. It sends decoded chunks only while the main thread has asked for them (a shared
// counter of chunks taken), so a decompression bomb never runs ahead of the layer's size limit.
import { parentPort, workerData } from 'node:worker_threads';
import libzstd from 'zstd-napi/binding.js';
import { errorMessage } from '../errors.js';

/** What the main thread sends: compressed bytes, or the end of them. */
export type ToDecoder = { chunk: Uint8Array } | { end: true };
/** What the decoder sends back: decoded bytes (the first `length` of `out`), an input chunk used up, the end, or a failure. */
export type FromDecoder = { out: ArrayBuffer; length: number } | { consumed: true } | { done: true } | { error: string };

export interface DecoderData {
  /** [chunks sent, chunks taken by the main thread]. */
  credit: SharedArrayBuffer;
  /** Decoded chunks that may wait for the main thread. */
  ahead: number;
  outputChunk: number;
}

const port = parentPort;
const { credit, ahead, outputChunk } = workerData as DecoderData;
const counters = new Int32Array(credit);
const dctx = new libzstd.DCtx();
let frameOpen = false;

function send(message: FromDecoder, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

/** Sends one decoded chunk (its buffer moves, not copied), first waiting while `ahead` chunks wait to be taken. */
function sendChunk(out: Buffer, length: number): void {
  for (;;) {
    const taken = Atomics.load(counters, 1);
    if (Atomics.load(counters, 0) - taken < ahead) break;
    Atomics.wait(counters, 1, taken);
  }
  Atomics.add(counters, 0, 1);
  send({ out: out.buffer as ArrayBuffer, length }, [out.buffer as ArrayBuffer]);
}

function decode(input: Buffer): void {
  let rest = input;
  for (;;) {
    // A buffer of its own (not a slice of a pool), so it can be handed over whole.
    const out = Buffer.allocUnsafeSlow(outputChunk);
    const [remaining, produced, consumed] = dctx.decompressStream(out, rest);
    // libzstd reports 0 only once a frame is decoded and flushed, checksum included.
    frameOpen = remaining !== 0;
    rest = rest.subarray(consumed);
    if (produced > 0) sendChunk(out, produced);
    // A full output chunk may leave decoded bytes inside libzstd: ask again.
    if (rest.length === 0 && produced < outputChunk) break;
  }
}

port?.on('message', (message: ToDecoder) => {
  try {
    if ('chunk' in message) {
      decode(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.length));
      send({ consumed: true });
    } else if (frameOpen) send({ error: 'zstd: truncated: the data ends inside a frame' });
    else send({ done: true });
  } catch (err) {
    // libzstd's names for its errors; "zstd" makes the layer reader call them corrupt data.
    send({ error: `zstd: ${errorMessage(err)}` });
  }
});
