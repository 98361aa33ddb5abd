import { Transform, type Readable, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { InputError } from '../errors.js';

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

/** Node's own zstd decoder, present from Node 22.15 on; several times faster than fzstd. */
const nativeZstd = (zlib as unknown as { createZstdDecompress?: (options: { chunkSize: number }) => Transform }).createZstdDecompress;

/** zstd frames through fzstd's streaming decoder (Node 20's zlib has no zstd). */
class ZstdStream extends Transform {
  private readonly decoder = new ZstdDecompress((chunk) => {
    this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      done();
    } catch (err) {
      done(new Error(`zstd: ${(err as Error).message}`));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      done();
    } catch (err) {
      done(new Error(`zstd: ${(err as Error).message}`));
    }
  }
}

/** Counts decompressed bytes and fails once they pass the limit: a decompression bomb stops early. */
export class SizeLimit extends Transform {
  private total = 0;
  constructor(
    private readonly limit: number,
    private readonly what: string,
  ) {
    super();
  }

  get bytes(): number {
    return this.total;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.total += chunk.length;
    if (this.total > this.limit) {
      done(new InputError(`${this.what}: uncompressed size exceeds the limit of ${this.limit} bytes (--max-layer-size); possible decompression bomb`));
      return;
    }
    done(null, chunk);
  }
}

/** The decoder for a compression, or undefined for a plain tar. */
export function decoderFor(compression: Compression): Transform | undefined {
  // Large output chunks: zlib's default 16 KiB makes gunzip about 1.5 times slower.
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: 256 * 1024 });
  if (compression === 'zstd') return nativeZstd?.({ chunkSize: 256 * 1024 }) ?? new ZstdStream();
  return undefined;
}
