// One body-less entry as bytes: the record an EntryLog packs its entries into, and a cached layer
// listing stores. A kind byte (the type, and flags for unusual owners), mode, size, owners, then the
// path and link target in UTF-8 (which the tar reader's strings always are: bytes that are not UTF-8
// reach it as U+FFFD). Owners that fit 32 bits, nearly all of them, take 4 bytes each; others are wide.
import type { FileInfo, FileType } from './files.js';

const TYPES: readonly FileType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
const TYPE_BITS = 0x07;
/** Owners stored as 8-byte doubles: negative, or past 32 bits (PAX and base-256 headers allow both). */
const WIDE = 0x08;
const NO_UID = 0x10;
const NO_GID = 0x20;
/** Kind bytes at or above this are not records (EntryLog marks an entry it keeps as an object with 0xff). */
const NOT_A_RECORD = 0x40;
/** kind, mode, size, uid, gid, path length, link target length + 1 (0: none); wide owners add 8. */
const FIXED = 1 + 2 + 8 + 4 + 4 + 4 + 4;
const WIDE_EXTRA = 8;

export interface RecordShape {
  /** Bytes the record takes. */
  bytes: number;
  pathBytes: number;
  linkBytes: number;
  kind: number;
}

function narrow(id: number | undefined): boolean {
  return id === undefined || (Number.isInteger(id) && id >= 0 && id <= 0xffffffff);
}

/** The record's layout for `info`, or undefined when it has no record (an owner that is not an integer, a mode past 16 bits). */
export function recordShape(info: FileInfo): RecordShape | undefined {
  const { uid, gid, mode } = info;
  const wide = !narrow(uid) || !narrow(gid);
  if (wide && ![uid, gid].every((id) => id === undefined || Number.isSafeInteger(id))) return undefined;
  if (!(Number.isInteger(mode) && mode >= 0 && mode <= 0xffff)) return undefined;
  const type = TYPES.indexOf(info.type);
  if (type < 0) return undefined;
  const pathBytes = Buffer.byteLength(info.path);
  const linkBytes = info.linkTarget === undefined ? 0 : Buffer.byteLength(info.linkTarget);
  const kind = type | (wide ? WIDE : 0) | (uid === undefined ? NO_UID : 0) | (gid === undefined ? NO_GID : 0);
  return { bytes: FIXED + (wide ? WIDE_EXTRA : 0) + pathBytes + linkBytes, pathBytes, linkBytes, kind };
}

/** Writes `info`'s record at `at` (room for `shape.bytes` must be there). */
export function writeRecord(chunk: Buffer, at: number, info: FileInfo, shape: RecordShape): void {
  const { kind, pathBytes, linkBytes } = shape;
  chunk[at] = kind;
  chunk.writeUInt16LE(info.mode, at + 1);
  chunk.writeDoubleLE(info.size, at + 3);
  let next = at + 11;
  if (kind & WIDE) {
    chunk.writeDoubleLE(info.uid ?? 0, next);
    chunk.writeDoubleLE(info.gid ?? 0, next + 8);
    next += 16;
  } else {
    chunk.writeUInt32LE(info.uid ?? 0, next);
    chunk.writeUInt32LE(info.gid ?? 0, next + 4);
    next += 8;
  }
  chunk.writeUInt32LE(pathBytes, next);
  chunk.writeUInt32LE(info.linkTarget === undefined ? 0 : linkBytes + 1, next + 4);
  next += 8;
  chunk.write(info.path, next, 'utf8');
  if (info.linkTarget !== undefined) chunk.write(info.linkTarget, next + pathBytes, 'utf8');
}

/** The record at `at`, and where the next one starts. */
export function readRecord(chunk: Buffer, at: number): { info: FileInfo; next: number } {
  const kind = chunk[at] as number;
  const wide = (kind & WIDE) !== 0;
  const owners = at + 11;
  const lengths = owners + (wide ? 16 : 8);
  const pathBytes = chunk.readUInt32LE(lengths);
  const link = chunk.readUInt32LE(lengths + 4);
  const start = lengths + 8;
  const info: FileInfo = {
    path: chunk.toString('utf8', start, start + pathBytes),
    type: TYPES[kind & TYPE_BITS] as FileType,
    mode: chunk.readUInt16LE(at + 1),
    size: chunk.readDoubleLE(at + 3),
  };
  if (!(kind & NO_UID)) info.uid = wide ? chunk.readDoubleLE(owners) : chunk.readUInt32LE(owners);
  if (!(kind & NO_GID)) info.gid = wide ? chunk.readDoubleLE(owners + 8) : chunk.readUInt32LE(owners + 4);
  const end = start + pathBytes + Math.max(0, link - 1);
  if (link > 0) info.linkTarget = chunk.toString('utf8', start + pathBytes, end);
  return { info, next: end };
}

/**
 * Where the record at `at` ends, checking that it is whole and well-formed (for bytes from outside,
 * such as a cache file); a one-line reason when it is not.
 */
export function checkRecord(chunk: Buffer, at: number): number | string {
  const kind = chunk[at] as number;
  if ((kind & TYPE_BITS) >= TYPES.length || kind >= NOT_A_RECORD) return `bad entry kind ${kind}`;
  const wide = (kind & WIDE) !== 0;
  const fixed = FIXED + (wide ? WIDE_EXTRA : 0);
  if (at + fixed > chunk.length) return 'entry cut short';
  const size = chunk.readDoubleLE(at + 3);
  if (!(size >= 0 && Number.isSafeInteger(size))) return 'bad entry size';
  if (wide && ![chunk.readDoubleLE(at + 11), chunk.readDoubleLE(at + 19)].every(Number.isSafeInteger)) return 'bad entry owner';
  const lengths = at + fixed - 8;
  const pathBytes = chunk.readUInt32LE(lengths);
  const link = chunk.readUInt32LE(lengths + 4);
  const end = at + fixed + pathBytes + Math.max(0, link - 1);
  return end > chunk.length ? 'entry cut short' : end;
}
