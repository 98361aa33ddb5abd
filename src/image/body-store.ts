// Captured file bodies held for a scan: the first few megabytes in memory, the rest in one unlinked temp
// file and read back only while an analyzer looks at them, so memory does not grow with the number of
// wanted files (1,000 jars, 3,000 secret candidates) or with their sizes.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bytes of bodies a scan keeps in memory before it spills the rest to disk. */
export const DEFAULT_HELD_BYTES = 8 * 1024 * 1024;

/** A body written to the store's temp file. */
export class SpilledBody {
  constructor(
    private readonly store: BodyStore,
    private readonly offset: number,
    readonly length: number,
  ) {}

  bytes(): Buffer {
    return this.store.read(this.offset, this.length);
  }

  /** Reads the body into the start of `scratch` (at least `length` bytes), reused by a caller that reads many in turn. */
  bytesInto(scratch: Buffer): Buffer {
    return this.store.read(this.offset, this.length, scratch.subarray(0, this.length));
  }
}

/** A captured body: in memory, or spilled. */
export type Body = Buffer | SpilledBody;

export function bodyBytes(body: Body): Buffer {
  return Buffer.isBuffer(body) ? body : body.bytes();
}

// The temp file is unlinked as soon as it is opened (nothing is left behind, even on a crash). The scan
// closes its descriptor when it is done ({@link BodyStore.close}); a store dropped unclosed (a library
// user who never closes the contents) is closed when it is collected.
const descriptors = new FinalizationRegistry<number>((fd) => closeSync(fd));

export class BodyStore {
  private held = 0;
  private fd: number | undefined;
  private end = 0;
  private closed = false;

  constructor(private readonly heldBytes = DEFAULT_HELD_BYTES) {}

  keep(body: Buffer): Body {
    if (this.held + body.length <= this.heldBytes) {
      this.held += body.length;
      // A body that is a view of a larger chunk (a small file read from a stream) would keep the whole
      // chunk alive; small views of Buffer's shared 8 KiB pool are not worth a copy.
      return body.buffer.byteLength > body.length + 8192 ? Buffer.from(body) : body;
    }
    return this.spill(body);
  }

  /** Writes `body` to the temp file whatever is held (bulky bookkeeping that is read back rarely). */
  spill(body: Buffer): SpilledBody {
    const fd = this.file();
    for (let written = 0; written < body.length;) written += writeSync(fd, body, written, body.length - written, this.end + written);
    const spilled = new SpilledBody(this, this.end, body.length);
    this.end += body.length;
    return spilled;
  }

  read(offset: number, length: number, bytes: Buffer = Buffer.allocUnsafe(length)): Buffer {
    for (let got = 0; got < length;) {
      const n = readSync(this.file(), bytes, got, length - got, offset + got);
      if (n === 0) throw new Error('spilled file body ends early');
      got += n;
    }
    return bytes;
  }

  /** Closes the temp file: the spilled bodies are gone. Later calls do nothing. */
  close(): void {
    this.closed = true;
    if (this.fd === undefined) return;
    descriptors.unregister(this);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private file(): number {
    if (this.closed) throw new Error("the scan's body store is closed: its spilled bodies are gone");
    if (this.fd === undefined) {
      const path = join(tmpdir(), `plimsoll-bodies-${randomBytes(8).toString('hex')}`);
      this.fd = openSync(path, 'wx+', 0o600);
      unlinkSync(path);
      descriptors.register(this, this.fd, this);
    }
    return this.fd;
  }
}
