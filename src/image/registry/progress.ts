import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { DownloadProgress } from '../types.js';

/** Passes a blob's bytes through, reporting how many have arrived (and once more, `done`, at the end). */
class ProgressStream extends Transform {
  private received = 0;

  constructor(
    private readonly digest: string,
    private readonly total: number | undefined,
    private readonly report: (event: DownloadProgress) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    this.report({ digest: this.digest, received: this.received, total: this.total, done: false });
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.report({ digest: this.digest, received: this.received, total: this.total, done: true });
    done();
  }
}

/** `source` through a ProgressStream, carrying errors forward and closing the source when the reader stops early. */
export function withProgress(source: Readable, digest: string, total: number | undefined, report: (event: DownloadProgress) => void): Readable {
  const progress = new ProgressStream(digest, total, report);
  source.on('error', (err) => progress.destroy(err));
  progress.on('close', () => source.destroy());
  return source.pipe(progress);
}
