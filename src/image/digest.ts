import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError, InputError } from '../errors.js';
import { threadedHash } from './hash-thread.js';

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

/** Hashes a stream of bytes in order: on this thread, or on the layer worker when the stream is large. */
export interface Hasher {
  /**
   * Takes `chunk`: a promise when the hasher must wait (for room on the worker) before it has all of it;
   * the chunk must stay unchanged until then, and may be reused after (the worker hashes a copy).
   */
  write(chunk: Buffer): Promise<void> | undefined;
  /** The digest (hex) of everything written: once, after the last write. */
  digest(): Promise<string>;
  /** Gives up on the hash (a read that failed); does nothing once the digest is out. */
  close(): void;
}

class InThreadHasher implements Hasher {
  private readonly hash: Hash;

  constructor(algorithm: string) {
    this.hash = createHash(algorithm);
  }

  write(chunk: Buffer): undefined {
    this.hash.update(chunk);
  }

  digest(): Promise<string> {
    return Promise.resolve(this.hash.digest('hex'));
  }

  close(): void {}
}

/** A hasher for a stream of about `bytes` (its declared size, when known). */
export function hasherFor(algorithm: string, bytes: number): Hasher {
  return threadedHash(algorithm, bytes) ?? new InThreadHasher(algorithm);
}

/**
 * A pass-through stream that hashes what flows through it and fails at the end
 * when the bytes do not match `digest` (or `size`, when given). Consumers must
 * read to the end for the check to run.
 */
export class VerifyingStream extends Transform {
  private readonly hasher: Hasher;
  readonly algorithm: string;
  private seen = 0;

  constructor(
    readonly digest: string,
    private readonly what: string,
    private readonly size?: number,
  ) {
    super();
    this.algorithm = parseDigest(digest, what).algorithm;
    this.hasher = hasherFor(this.algorithm, size ?? 0);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.size !== undefined && this.seen > this.size) {
      done(new InputError(`${this.what}: blob ${this.digest} is larger than its declared size ${this.size}`));
      return;
    }
    // The chunk hashed is the one passed on: once taken (a worker hashes a copy), it is passed on unchanged.
    const taken = this.hasher.write(chunk);
    if (taken) taken.then(() => done(null, chunk), done);
    else done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.hasher.digest().then((hex) => {
      const actual = `${this.algorithm}:${hex}`;
      done(actual === this.digest ? null : new DigestMismatchError(this.digest, actual, this.what));
    }, done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.hasher.close();
    done(err);
  }
}
