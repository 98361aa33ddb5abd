import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError, InputError } from '../errors.js';

const SUPPORTED = new Set(['sha256', 'sha512']);

export function parseDigest(digest: string, what: string): { algorithm: string; hex: string } {
  const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
  const algorithm = m?.[1];
  const hex = m?.[2];
  if (!algorithm || !hex || !SUPPORTED.has(algorithm)) {
    throw new InputError(`${what}: unsupported or malformed digest "${digest}"`);
  }
  const expectedLength = algorithm === 'sha256' ? 64 : 128;
  if (hex.length !== expectedLength) throw new InputError(`${what}: malformed digest "${digest}"`);
  return { algorithm, hex };
}

export function digestOf(bytes: Buffer | string, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Checks a fully read blob (manifests, configs) against its digest. */
export function verifyBytes(bytes: Buffer, digest: string, what: string): void {
  const { algorithm } = parseDigest(digest, what);
  const actual = digestOf(bytes, algorithm);
  if (actual !== digest) throw new DigestMismatchError(digest, actual, what);
}

/**
 * A pass-through stream that hashes what flows through it and fails at the end
 * when the bytes do not match `digest` (or `size`, when given). Consumers must
 * read to the end for the check to run.
 */
export class VerifyingStream extends Transform {
  private readonly hash;
  readonly algorithm: string;
  private seen = 0;

  constructor(
    readonly digest: string,
    private readonly what: string,
    private readonly size?: number,
  ) {
    super();
    this.algorithm = parseDigest(digest, what).algorithm;
    this.hash = createHash(this.algorithm);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.size !== undefined && this.seen > this.size) {
      done(new InputError(`${this.what}: blob ${this.digest} is larger than its declared size ${this.size}`));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.digest) {
      done(new DigestMismatchError(this.digest, actual, this.what));
      return;
    }
    done();
  }
}
