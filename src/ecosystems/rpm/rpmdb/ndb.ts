// rpm's NDB backend (`Packages.db`, SUSE): a little-endian slot table naming, for each
// package, where its blob lies in 16-byte blocks; each blob is framed by a head
// ("BlbS", package index, generation, length) and a tail (Adler-32, length, "BlbE").
import type { BlobScan } from './blobs.js';

const DB_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOB_MAGIC = 0x53626c42; // "BlbS"
const BLOB_END_MAGIC = 0x45626c42; // "BlbE"
const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLOCK_SIZE = 16;
const BLOB_HEAD_SIZE = 16;
const BLOB_TAIL_SIZE = 12;
/** The database header fills the first two slots of the first page. */
const HEADER_SLOTS = 2;

export function isNdb(body: Buffer): boolean {
  return body.length >= 16 && body.readUInt32LE(0) === DB_MAGIC;
}

export function readNdb(body: Buffer): BlobScan {
  const problems: string[] = [];
  const version = body.readUInt32LE(4);
  if (version !== 0) return { blobs: [], problems: [`unsupported NDB version ${version}`] };
  const slotPages = body.readUInt32LE(12);
  // The slot table cannot be larger than the file.
  const slotBytes = Math.min(slotPages * PAGE_SIZE, body.length - (body.length % SLOT_SIZE));
  if (slotPages * PAGE_SIZE > body.length) problems.push(`file is truncated inside the slot table (${slotPages} pages)`);

  const blobs: Buffer[] = [];
  const seen = new Set<number>();
  for (let at = HEADER_SLOTS * SLOT_SIZE; at < slotBytes; at += SLOT_SIZE) {
    if (body.readUInt32LE(at) !== SLOT_MAGIC) {
      problems.push(`slot ${at / SLOT_SIZE}: bad magic`);
      continue;
    }
    const pkgIndex = body.readUInt32LE(at + 4);
    if (pkgIndex === 0) continue; // free slot
    if (seen.has(pkgIndex)) {
      problems.push(`slot ${at / SLOT_SIZE}: package ${pkgIndex} is listed twice`);
      continue;
    }
    seen.add(pkgIndex);
    const blob = readBlob(body, pkgIndex, body.readUInt32LE(at + 8), body.readUInt32LE(at + 12));
    if (typeof blob === 'string') problems.push(`package ${pkgIndex}: ${blob}`);
    else blobs.push(blob);
  }
  return { blobs, problems };
}

/** The header blob a slot points at, or why it cannot be read. */
function readBlob(body: Buffer, pkgIndex: number, blockOffset: number, blockCount: number): Buffer | string {
  const start = blockOffset * BLOCK_SIZE;
  const end = start + blockCount * BLOCK_SIZE;
  if (blockOffset === 0 || end > body.length || blockCount * BLOCK_SIZE < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE) {
    return `blob (blocks ${blockOffset}+${blockCount}) lies outside the file`;
  }
  if (body.readUInt32LE(start) !== BLOB_MAGIC || body.readUInt32LE(start + 4) !== pkgIndex) return 'blob head is damaged';
  const length = body.readUInt32LE(start + 12);
  const tail = end - BLOB_TAIL_SIZE;
  if (BLOB_HEAD_SIZE + length > tail - start) return `blob claims ${length} bytes in ${blockCount} blocks`;
  if (body.readUInt32LE(tail + 8) !== BLOB_END_MAGIC || body.readUInt32LE(tail + 4) !== length) return 'blob tail is damaged';
  if (adler32(body, start, tail) !== body.readUInt32LE(tail)) return 'blob checksum mismatch';
  return body.subarray(start + BLOB_HEAD_SIZE, start + BLOB_HEAD_SIZE + length);
}

function adler32(buf: Buffer, start: number, end: number): number {
  let a = 1;
  let b = 0;
  for (let i = start; i < end;) {
    // Reduce every 5552 bytes (zlib's NMAX) so the sums stay small integers.
    const stop = Math.min(end, i + 5552);
    for (; i < stop; i++) {
      a += buf[i] ?? 0;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
