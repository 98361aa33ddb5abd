// Tar read the way Go's archive/tar reads it (containerd and Docker unpack layers with it): the
// scanner must see exactly the entries a runtime sees, no more (data after the end-of-archive
// marker) and no fewer (V7 headers, a missing marker or padding).
import type { FileHandle } from 'node:fs/promises';

export const BLOCK = 512;
/** Go's maxSpecialFileSize: the largest PAX or GNU long-name body. */
export const MAX_SPECIAL_FILE = 1 << 20;
/** Extension bytes that may accumulate before one entry (Go has no such bound; a chain of PAX headers must not grow memory). */
const MAX_PENDING_EXTENSIONS = 4 * MAX_SPECIAL_FILE;

/** Malformed tar, in archive/tar's terms: the reader refuses the archive from here on. */
export class TarError extends Error {}

export type TarFormat = 'v7' | 'ustar' | 'gnu' | 'star';

export interface TarHeader {
  name: string;
  /** The type flag character; `0` for regular files (V7's NUL is normalised, as Go does). */
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of body that follow the header (0 for header-only types). */
  size: number;
  linkname: string;
  format: TarFormat;
}

/** How the archive ended, when it is not the two zero blocks writers put there. */
export type TarEnd = 'marker' | 'one-zero-block' | 'no-marker' | 'unpadded';

/** Sequential bytes: a stream, or a file read by offset (where skipping is a seek). */
export interface ByteSource {
  /** Exactly `n` bytes, or fewer only at the end of the input. */
  read(n: number): Promise<Buffer>;
  /** Skips up to `n` bytes; returns how many there were. */
  skip(n: number): Promise<number>;
  /**
   * `n` bytes when they are at hand without waiting, else undefined (and nothing is consumed): the
   * tar reader asks this first, as awaiting a read costs more than parsing a header.
   */
  readNow(n: number): Buffer | undefined;
  /** Skips `n` bytes when they are at hand without waiting; false (nothing skipped) when they are not. */
  skipNow(n: number): boolean;
  /** Bytes consumed so far. */
  readonly offset: number;
}

const EMPTY = Buffer.alloc(0);

/** A ByteSource over a stream's chunks. */
export class StreamSource implements ByteSource {
  /** The chunk being read, from `at` on: advanced by index, never sliced, so a header or a skip allocates nothing. */
  private buffered: Buffer = EMPTY;
  private at = 0;
  private ended = false;
  offset = 0;
  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  private get available(): number {
    return this.buffered.length - this.at;
  }

  /** Replaces the (consumed) buffer with the next chunk; false at the end. */
  private async fill(): Promise<boolean> {
    const next = await this.next();
    if (next) this.hold(next);
    return next !== undefined;
  }

  private hold(chunk: Buffer, at = 0): void {
    this.buffered = chunk;
    this.at = at;
  }

  private async next(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    const next = await this.chunks.next();
    if (next.done) this.ended = true;
    return next.done ? undefined : next.value;
  }

  readNow(n: number): Buffer | undefined {
    if (this.available < n) return undefined;
    const out = this.buffered.subarray(this.at, this.at + n);
    this.at += n;
    this.offset += n;
    return out;
  }

  skipNow(n: number): boolean {
    if (this.available < n) return false;
    this.at += n;
    this.offset += n;
    return true;
  }

  async read(n: number): Promise<Buffer> {
    const now = this.readNow(n);
    if (now) return now;
    // A body of many chunks is copied into a buffer of its own as they arrive, each chunk dropped once
    // copied: gathered first and joined at the end, a large executable was held twice at its end.
    let out = Buffer.allocUnsafe(n);
    let have = this.buffered.copy(out, 0, this.at);
    this.hold(EMPTY);
    while (have < n) {
      const next = await this.next();
      if (!next) break;
      const take = Math.min(next.length, n - have);
      next.copy(out, have, 0, take);
      have += take;
      if (take < next.length) this.hold(next, take);
    }
    if (have < n) out = out.subarray(0, have);
    this.offset += out.length;
    return out;
  }

  async skip(n: number): Promise<number> {
    let skipped = 0;
    while (skipped < n) {
      if (this.available === 0 && !(await this.fill())) break;
      const take = Math.min(n - skipped, this.available);
      this.at += take;
      skipped += take;
    }
    this.offset += skipped;
    return skipped;
  }

  /** Reads to the end; returns how many of the bytes were not zero. */
  async drain(): Promise<{ bytes: number; nonZero: number }> {
    let bytes = 0;
    let nonZero = 0;
    for (;;) {
      if (this.available === 0 && !(await this.fill())) break;
      bytes += this.available;
      for (let i = this.at; i < this.buffered.length; i++) if (this.buffered[i] !== 0) nonZero++;
      this.hold(EMPTY);
    }
    this.offset += bytes;
    return { bytes, nonZero };
  }
}

/** A ByteSource over a file on disk: skipping seeks, so an archive's bodies are never read. */
export class FileSource implements ByteSource {
  offset = 0;
  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {}

  async read(n: number): Promise<Buffer> {
    const length = Math.max(0, Math.min(n, this.size - this.offset));
    const buf = Buffer.alloc(length);
    if (length > 0) await this.handle.read(buf, 0, length, this.offset);
    this.offset += length;
    return buf;
  }

  skip(n: number): Promise<number> {
    const skipped = Math.max(0, Math.min(n, this.size - this.offset));
    this.offset += skipped;
    return Promise.resolve(skipped);
  }

  /** Nothing is at hand: every read is a read of the file. */
  readNow(): undefined {
    return undefined;
  }

  skipNow(n: number): boolean {
    if (this.offset + n > this.size) return false;
    this.offset += n;
    return true;
  }
}

const ZERO_BLOCK = Buffer.alloc(BLOCK);

function isZero(block: Buffer): boolean {
  // A header's name starts with a byte that is not zero: most blocks are told apart by it.
  if (block[0] !== 0) return false;
  return block.length === BLOCK ? block.equals(ZERO_BLOCK) : block.every((b) => b === 0);
}

/** A NUL-terminated string field. */
function field(block: Buffer, start: number, length: number): string {
  let end = start;
  const limit = start + length;
  while (end < limit && block[end] !== 0) end++;
  return end === start ? '' : block.toString('utf8', start, end);
}

/** Octal text, trimmed of spaces and NULs (Go's parseOctal); NaN when malformed. */
function octal(block: Buffer, start: number, length: number): number {
  // Byte by byte, no strings: every header has seven or more of these fields.
  let from = start;
  let to = start + length;
  while (from < to && (block[from] === 0x20 || block[from] === 0)) from++;
  while (to > from && (block[to - 1] === 0x20 || block[to - 1] === 0)) to--;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = block[i] as number;
    if (c === 0) break;
    if (c < 0x30 || c > 0x37) return NaN;
    value = value * 8 + (c - 0x30);
  }
  // Optimised code computes this as a float: handed back as such, every mode, id and size would be a
  // boxed number, and the entry objects holding them would change shape mid-scan (deoptimising their readers).
  return value <= 0x3fffffff ? value | 0 : value;
}

/** Go's parseNumeric: base-256 (two's complement) when the high bit is set, else octal; NaN when it does not fit. */
function numeric(block: Buffer, start: number, length: number): number {
  const first = block[start] ?? 0;
  if (!(first & 0x80)) return octal(block, start, length);
  const inv = first & 0x40 ? 0xff : 0;
  let x = 0n;
  for (let i = 0; i < length; i++) {
    let c = (block[start + i] ?? 0) ^ inv;
    if (i === 0) c &= 0x7f;
    x = (x << 8n) | BigInt(c);
  }
  const value = inv ? -x - 1n : x;
  return value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER) ? NaN : Number(value);
}

/** The format of a header block, or undefined when its checksum (unsigned or signed, as Go allows) is wrong. */
function formatOf(block: Buffer): TarFormat | undefined {
  const stored = octal(block, 148, 8);
  if (Number.isNaN(stored)) return undefined;
  const unsigned = unsignedSum(block);
  // The signed sum (old Sun tar) differs only when bytes past 127 are there: counted only when needed.
  if (stored !== unsigned && stored !== unsigned - 256 * highBytes(block)) return undefined;
  if (bytesAre(block, 257, USTAR_MAGIC)) return bytesAre(block, 508, STAR_TRAILER) ? 'star' : 'ustar';
  if (bytesAre(block, 257, GNU_MAGIC)) return 'gnu';
  return 'v7';
}

/** Bytes 148-155 hold the checksum, which counts them as eight spaces. */
const CHECKSUM_START = 148;
const CHECKSUM_END = 156;

/** The sum of a header's bytes as unsigned numbers, the checksum field counting as eight spaces. */
function unsignedSum(block: Buffer): number {
  let sum = 8 * 0x20;
  if ((block.byteOffset & 3) === 0) {
    // Four bytes at a time (this runs over every header): byte sums in two 16-bit lanes, which 128
    // words cannot overflow.
    const words = new Uint32Array(block.buffer, block.byteOffset, BLOCK / 4);
    let lanes = 0;
    for (let i = 0; i < CHECKSUM_START / 4; i++) {
      const w = words[i] as number;
      lanes += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
    }
    for (let i = CHECKSUM_END / 4; i < BLOCK / 4; i++) {
      const w = words[i] as number;
      lanes += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
    }
    return sum + (lanes % 0x10000) + Math.floor(lanes / 0x10000);
  }
  for (let i = 0; i < CHECKSUM_START; i++) sum += block[i] as number;
  for (let i = CHECKSUM_END; i < BLOCK; i++) sum += block[i] as number;
  return sum;
}

/** How many of a header's bytes (the checksum field aside) are past 127. */
function highBytes(block: Buffer): number {
  let high = 0;
  for (let i = 0; i < CHECKSUM_START; i++) high += (block[i] as number) >> 7;
  for (let i = CHECKSUM_END; i < BLOCK; i++) high += (block[i] as number) >> 7;
  return high;
}

const USTAR_MAGIC = Buffer.from('ustar\0', 'latin1');
const STAR_TRAILER = Buffer.from('tar\0', 'latin1');
const GNU_MAGIC = Buffer.from('ustar  \0', 'latin1');

/** Whether `block` holds `expected` at `at`, compared byte by byte (no string per header). */
function bytesAre(block: Buffer, at: number, expected: Buffer): boolean {
  for (let i = 0; i < expected.length; i++) if (block[at + i] !== expected[i]) return false;
  return true;
}

/** Types whose header's size field carries no body (Go's isHeaderOnlyType). */
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);

function decodeHeader(block: Buffer, offset: number): TarHeader {
  const format = formatOf(block);
  if (!format) throw new TarError(`invalid tar header at offset ${offset} (bad checksum)`);
  const mode = numeric(block, 100, 8);
  const uid = numeric(block, 108, 8);
  const gid = numeric(block, 116, 8);
  const size = numeric(block, 124, 12);
  // The modification time and (past V7) the device numbers are checked, not kept.
  const malformed =
    Number.isNaN(mode) ||
    Number.isNaN(uid) ||
    Number.isNaN(gid) ||
    Number.isNaN(size) ||
    Number.isNaN(numeric(block, 136, 12)) ||
    (format !== 'v7' && (Number.isNaN(numeric(block, 329, 8)) || Number.isNaN(numeric(block, 337, 8))));
  if (malformed) throw new TarError(`invalid tar header at offset ${offset} (malformed number)`);
  let name = field(block, 0, 100);
  const prefix = format === 'ustar' ? field(block, 345, 155) : format === 'star' ? field(block, 345, 131) : '';
  if (prefix) name = `${prefix}/${name}`;
  const flag = String.fromCharCode(block[156] ?? 0);
  return { name, typeflag: flag, mode, uid, gid, size, linkname: field(block, 157, 100), format };
}

/** PAX records (`LEN key=value\n`, LEN counting bytes), validated as Go's parsePAXRecord does. */
export function parsePax(body: Buffer, offset: number): Map<string, string> {
  const records = new Map<string, string>();
  const bad = (): TarError => new TarError(`invalid PAX header at offset ${offset}`);
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space < 0) throw bad();
    const lengthText = body.toString('latin1', pos, space);
    const length = /^[+-]?\d+$/.test(lengthText) ? Number(lengthText) : NaN;
    const end = pos + length;
    if (!(length >= 5) || end > body.length || end <= space + 1 || body[end - 1] !== 0x0a) throw bad();
    const record = body.toString('utf8', space + 1, end - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw bad();
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key.includes('\0') || (['path', 'linkpath', 'uname', 'gname'].includes(key) && value.includes('\0'))) throw bad();
    records.set(key, value);
    pos = end;
  }
  return records;
}

/** One entry: its header, where its body starts, and a way to read the body (up to a limit). */
export interface TarMember {
  header: TarHeader;
  /** Offset of the body in the uncompressed archive. */
  offset: number;
  /** The body, or undefined (and skipped) when larger than `limit`. */
  body(limit: number): Promise<Buffer | undefined>;
}

/**
 * Reads the entries of a tar archive as archive/tar's Reader.Next does, handing each to `onMember`:
 * extension headers (PAX `x`, GNU `L`/`K`) merged into the entry they precede, PAX global headers
 * (`g`) skipped (containerd ignores them), and reading stopped at the end-of-archive marker. A promise
 * `onMember` returns is awaited before the next entry (a callback rather than an async generator: an
 * entry nobody reads costs no promise). `onEnd` learns how the archive ended; what follows the marker is
 * the caller's to drain.
 */
export async function readTar(source: ByteSource, onEnd: (end: TarEnd) => void, onMember: (member: TarMember) => Promise<void> | void): Promise<void> {
  let unread = 0;
  let padding = 0;
  const pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let pending = 0;
  const truncated = (): TarError => new TarError(`truncated tar archive at offset ${source.offset}`);
  const special = async (size: number, offset: number): Promise<Buffer> => {
    if (size > MAX_SPECIAL_FILE) throw new TarError(`tar extension header at offset ${offset} is larger than ${MAX_SPECIAL_FILE} bytes`);
    pending += size;
    if (pending > MAX_PENDING_EXTENSIONS) throw new TarError(`too many tar extension headers before offset ${offset}`);
    const body = await source.read(size);
    if (body.length < size) throw truncated();
    unread = 0;
    return body;
  };
  for (;;) {
    // Bytes at hand are taken without awaiting (most headers and small bodies are in the chunk read last).
    if (unread > 0 && !source.skipNow(unread) && (await source.skip(unread)) < unread) throw truncated();
    unread = 0;
    // A short padding is an end, as in Go's tryReadFull (umoci 0.4.7 writes layers that end here).
    if (padding > 0 && !source.skipNow(padding) && (await source.skip(padding)) < padding) return onEnd('unpadded');
    const offset = source.offset;
    const block = source.readNow(BLOCK) ?? (await source.read(BLOCK));
    if (block.length === 0) return onEnd('no-marker');
    if (block.length < BLOCK) throw truncated();
    if (isZero(block)) {
      const second = await source.read(BLOCK);
      if (second.length === 0) return onEnd('one-zero-block');
      if (second.length < BLOCK) throw truncated();
      if (!isZero(second)) throw new TarError(`zero block in mid-stream at offset ${offset}, followed by more data (runtimes reject such a layer)`);
      return onEnd('marker');
    }
    const header = decodeHeader(block, offset);
    const bodySize = HEADER_ONLY.has(header.typeflag) ? 0 : header.size;
    if (bodySize < 0) throw new TarError(`invalid tar header at offset ${offset} (negative size)`);
    unread = bodySize;
    padding = (BLOCK - (bodySize % BLOCK)) % BLOCK;
    if (header.typeflag === 'x' || header.typeflag === 'g') {
      const records = parsePax(await special(bodySize, offset), offset);
      if (header.typeflag === 'x') for (const [k, v] of records) pax.set(k, v);
      continue;
    }
    if (header.typeflag === 'L' || header.typeflag === 'K') {
      const body = await special(bodySize, offset);
      const end = body.indexOf(0);
      const text = body.toString('utf8', 0, end < 0 ? body.length : end);
      if (header.typeflag === 'L') longName = text;
      else longLink = text;
      continue;
    }
    // Merge the extensions; an empty PAX value keeps the header's own.
    if (pax.size > 0) mergePax(header, pax, offset);
    if (longName !== undefined) header.name = longName;
    if (longLink !== undefined) header.linkname = longLink;
    pax.clear();
    longName = longLink = undefined;
    pending = 0;
    if (header.typeflag === '\0') header.typeflag = header.name.endsWith('/') ? '5' : '0';
    const size = HEADER_ONLY.has(header.typeflag) ? 0 : header.size;
    if (size < 0) throw new TarError(`invalid tar header at offset ${offset} (negative size)`);
    unread = size;
    padding = (BLOCK - (size % BLOCK)) % BLOCK;
    header.size = size;
    const read = onMember({
      header,
      offset: source.offset,
      body: async (limit) => {
        if (unread !== size || size > limit) return undefined;
        const bytes = source.readNow(size) ?? (await source.read(size));
        if (bytes.length < size) throw truncated();
        unread = 0;
        return bytes;
      },
    });
    if (read) await read;
  }
}

/** PAX records applied to the header they precede. */
function mergePax(header: TarHeader, pax: ReadonlyMap<string, string>, offset: number): void {
  for (const [key, value] of pax) {
    if (value === '') continue;
    if (key === 'path') header.name = value;
    else if (key === 'linkpath') header.linkname = value;
    else if (key === 'size' || key === 'uid' || key === 'gid') {
      const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n)) throw new TarError(`invalid PAX ${key} "${value.slice(0, 40)}" at offset ${offset}`);
      if (key === 'size') header.size = n;
      else header[key] = n;
    }
  }
}
