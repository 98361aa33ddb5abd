// A layer's entries in tar order, packed into byte chunks until they are merged: an object per entry
// (a hundred bytes and more) would make a layer of two million tiny files cost a quarter of a gigabyte
// before the merge even starts. Entries with a body are kept as the objects given. Past a few megabytes,
// filled chunks are spilled to the scan's body store and read back one at a time as the log is walked.
import type { Body, BodyStore } from './body-store.js';
import { readRecord, recordShape, writeRecord } from './entry-record.js';
import type { LayerEntry } from './layer-reader.js';

/** Kind byte of an entry kept as an object, in `whole` at its position (never a record's kind). */
const WHOLE = 0xff;
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

  /**
   * A log over records already packed (a cached layer listing's, checked by its reader): `records`
   * holds `count` of them, and is read in place.
   */
  static fromRecords(records: Buffer, count: number): EntryLog {
    const log = new EntryLog();
    if (records.length > 0) log.chunks.push(records);
    log.count = count;
    return log;
  }

  push(entry: LayerEntry): void {
    const shape = entry.body === undefined ? recordShape(entry) : undefined;
    const at = this.reserve(shape ? shape.bytes : 1);
    const chunk = this.last as Buffer;
    const position = this.count++;
    if (!shape) {
      chunk[at] = WHOLE;
      this.whole.set(position, entry);
      return;
    }
    writeRecord(chunk, at, entry, shape);
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
        const { info, next } = readRecord(chunk, at);
        position++;
        at = next;
        yield info;
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
