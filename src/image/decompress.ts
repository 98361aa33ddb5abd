import { Duplex, type Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
// The low-level binding (CommonJS, no named exports for ESM): its stream API lets us stop between output chunks.
import type libzstd from 'zstd-napi/binding.js';
import { errorMessage } from '../errors.js';
import { zstdBinding } from '../lazy-require.js';
import { ThreadedDecoder, threadedZstdDecoder } from './zstd-thread.js';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** Chooses the decompressor from the first bytes: media types are often wrong (docker-archive says gzip for plain tars). */
export function detectCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'gzip';
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/** Reads at least `n` bytes (or all there is) and puts them back, so the stream can be piped from its start. */
export async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= n) break;
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0) stream.unshift(head);
  return head;
}

/** Decoded output per chunk, as for gunzip: large chunks keep the per-chunk overhead low. */
const OUTPUT_CHUNK = 256 * 1024;

/** Node's own zstd decoder, present from Node 22.15 on: it decodes off the main thread. */
const nativeZstd = (zlib as unknown as { createZstdDecompress?: (options: { chunkSize: number }) => Transform }).createZstdDecompress;

/** One call of ZSTD_decompressStream; its errors (libzstd's names for them) say "zstd" so the layer reader calls them corrupt data. */
function decodeStep(dctx: libzstd.DCtx, out: Buffer, input: Buffer): ReturnType<libzstd.DCtx['decompressStream']> {
  try {
    return dctx.decompressStream(out, input);
  } catch (err) {
    throw new Error(`zstd: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * zstd frames (one or more, back to back) through libzstd's streaming decoder.
 * Each output chunk waits until the reader wants it, so a bomb (a few kilobytes that
 * decode to gigabytes) never runs ahead of the size limit downstream.
 */
export function libzstdDecoder(): Duplex {
  return Duplex.from(async function* (input: AsyncIterable<Buffer>) {
    const dctx = new (zstdBinding().DCtx)();
    let frameOpen = false;
    for await (const chunk of input) {
      let rest = chunk;
      for (;;) {
        const out = Buffer.allocUnsafe(OUTPUT_CHUNK);
        const [remaining, produced, consumed] = decodeStep(dctx, out, rest);
        // libzstd reports 0 only once a frame is decoded and flushed, checksum included.
        frameOpen = remaining !== 0;
        rest = rest.subarray(consumed);
        if (produced > 0) yield out.subarray(0, produced);
        // A full output chunk may leave decoded bytes inside libzstd: ask again.
        if (rest.length === 0 && produced < OUTPUT_CHUNK) break;
      }
    }
    if (frameOpen) throw new Error('zstd: truncated: the data ends inside a frame');
  });
}

/**
 * The decoder for a compression, or undefined for a plain tar. `blobBytes` (the blob's size, when
 * known) decides whether a zstd blob is large enough to be worth the worker thread.
 */
export function decoderFor(compression: Compression, blobBytes = 0): Duplex | undefined {
  // Large output chunks: zlib's default 16 KiB makes gunzip about 1.5 times slower.
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: OUTPUT_CHUNK });
  if (compression !== 'zstd') return undefined;
  if (nativeZstd) return nativeZstd({ chunkSize: OUTPUT_CHUNK });
  return threadedZstdDecoder(blobBytes) ?? libzstdDecoder();
}

/**
 * The decoder, when it hashes its own output (sha256) off the main thread: a worker-thread zstd
 * decoder does, so the layer's diff ID costs the main thread nothing.
 */
export function selfHashing(decoder: Duplex | undefined): { outputSha256(): string } | undefined {
  return decoder instanceof ThreadedDecoder ? decoder : undefined;
}
