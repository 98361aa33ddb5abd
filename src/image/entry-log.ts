// A layer's entries in tar order, packed into byte chunks until they are merged: an object per entry
// (a hundred bytes and more) would make a layer of two million tiny files cost a quarter of a gigabyte
// before the merge even starts. Entries with a body are kept as the objects given. Past a few megabytes,
// filled chunks are spilled to the scan's body store and read back one at a time as the log is walked.
import type { Body, BodyStore } from './body-store.js';
import type { FileType } from './files.js';
import type { LayerEntry } from './layer-reader.js';

const TYPES: readonly FileType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
/** Kind byte of an entry kept as an object, in `whole` at its position. */
const WHOLE = 0xff;
/** kind, mode, size, uid, gid, path length, link target length + 1 (0: none). */
const FIXED = 1 + 2 + 8 + 4 + 4 + 4 + 4;
/** Chunks start small (most layers, and what a layer keeps once merged, are small) and double up to this. */
const MAX_CHUNK = 1 << 20;
/** Bytes of filled chunks a log holds in memory before it spills them (when it has a store). */
const MAX_HELD = 4 * MAX_CHUNK;

export class EntryLog implements Iterable<LayerEntry> {
  /** Filled chunks (cut to what they hold, perhaps spilled), then the one being filled. */
  private readonly chunks: Body[] = [];
  private last: Buffer | undefined;
  /** Bytes used in the last chunk. */
  private used = 0;
  /** Bytes of filled chunks in memory. */
  private held = 0;
  private count = 0;
  private readonly whole = new Map<number, LayerEntry>();

  /** `store` takes the chunks a large log spills (all held in memory without one). */
  constructor(private readonly store?: BodyStore) {}

  /** A log of `entries`, each as `each` gives it back (undefined leaves it out). */
  static from(entries: Iterable<LayerEntry>, each: (entry: LayerEntry, position: number) => LayerEntry | undefined, store?: BodyStore): EntryLog {
    const log = new EntryLog(store);
    let position = 0;
    for (const entry of entries) {
      const kept = each(entry, position++);
      if (kept) log.push(kept);
    }
    return log;
  }

  push(entry: LayerEntry): void {
    const { uid, gid } = entry;
    const packable = entry.body === undefined && isOwner(uid) && isOwner(gid);
    const pathBytes = packable ? Buffer.byteLength(entry.path) : 0;
    const linkBytes = packable && entry.linkTarget !== undefined ? Buffer.byteLength(entry.linkTarget) : 0;
    const at = this.reserve(packable ? FIXED + pathBytes + linkBytes : 1);
    const chunk = this.last as Buffer;
    const position = this.count++;
    if (!packable) {
      chunk[at] = WHOLE;
      this.whole.set(position, entry);
      return;
    }
    chunk[at] = TYPES.indexOf(entry.type);
    chunk.writeUInt16LE(entry.mode, at + 1);
    chunk.writeDoubleLE(entry.size, at + 3);
    chunk.writeUInt32LE(uid as number, at + 11);
    chunk.writeUInt32LE(gid as number, at + 15);
    chunk.writeUInt32LE(pathBytes, at + 19);
    chunk.writeUInt32LE(entry.linkTarget === undefined ? 0 : linkBytes + 1, at + 23);
    chunk.write(entry.path, at + FIXED, 'utf8');
    if (entry.linkTarget !== undefined) chunk.write(entry.linkTarget, at + FIXED + pathBytes, 'utf8');
  }

  get size(): number {
    return this.count;
  }

  *[Symbol.iterator](): IterableIterator<LayerEntry> {
    let position = 0;
    // Spilled chunks are read back into one buffer in turn: a fresh megabyte each would pile up as garbage.
    let scratch: Buffer | undefined;
    for (const body of this.last ? [...this.chunks, this.last.subarray(0, this.used)] : this.chunks) {
      const chunk = Buffer.isBuffer(body) ? body : body.bytesInto((scratch ??= Buffer.allocUnsafe(MAX_CHUNK)));
      const end = chunk.length;
      let at = 0;
      while (at < end) {
        const kind = chunk[at] as number;
        if (kind === WHOLE) {
          yield this.whole.get(position++) as LayerEntry;
          at += 1;
          continue;
        }
        const pathBytes = chunk.readUInt32LE(at + 19);
        const type = TYPES[kind] as FileType;
        const link = chunk.readUInt32LE(at + 23);
        const start = at + FIXED;
        const entry: LayerEntry = { path: chunk.toString('utf8', start, start + pathBytes), type, mode: chunk.readUInt16LE(at + 1), size: chunk.readDoubleLE(at + 3), uid: chunk.readUInt32LE(at + 11), gid: chunk.readUInt32LE(at + 15) };
        if (link > 0) entry.linkTarget = chunk.toString('utf8', start + pathBytes, start + pathBytes + link - 1);
        position++;
        at += FIXED + pathBytes + Math.max(0, link - 1);
        yield entry;
      }
    }
  }

  /** Where `bytes` more fit: the last chunk, or a new one (records never straddle chunks). */
  private reserve(bytes: number): number {
    const last = this.last;
    if (last && this.used + bytes <= last.length) {
      this.used += bytes;
      return this.used - bytes;
    }
    // A full chunk is cut to what it holds, so reading it stops where its records end.
    if (last) this.fill(last.subarray(0, this.used));
    this.last = Buffer.alloc(Math.max(Math.min(MAX_CHUNK, 4096 * 2 ** this.chunks.length), bytes));
    this.used = bytes;
    return 0;
  }

  private fill(chunk: Buffer): void {
    if (this.store && this.held + chunk.length > MAX_HELD) {
      this.chunks.push(this.store.spill(chunk));
      return;
    }
    this.held += chunk.length;
    this.chunks.push(chunk);
  }
}

function isOwner(id: number | undefined): boolean {
  return id !== undefined && Number.isInteger(id) && id >= 0 && id <= 0xffffffff;
}
