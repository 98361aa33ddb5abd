// Berkeley DB hash databases (`var/lib/rpm/Packages`, rpm ≤ 4.15 and RHEL/CentOS ≤ 8):
// a meta page, hash pages holding key/value item pairs, and overflow-page chains for the
// values (the header blobs) that do not fit in a page. Either byte order.
import type { BlobScan } from './blobs.js';

const HASH_MAGIC = 0x061561;
const PAGE_HEADER_SIZE = 26;
const PAGE_TYPE = { invalid: 0, hashUnsorted: 2, overflow: 7, hashMeta: 8, hash: 13 } as const;
const ITEM_TYPE = { keyData: 1, duplicate: 2, offPage: 3, offDuplicate: 4 } as const;
/** Offpage item: type (1), padding (3), first overflow page (4), total length (4). */
const OFFPAGE_ITEM_SIZE = 12;

/** True when the bytes start like a Berkeley DB hash database, in either byte order. */
export function isBerkeleyDb(body: Buffer): boolean {
  return body.length >= 72 && (body.readUInt32LE(12) === HASH_MAGIC || body.readUInt32BE(12) === HASH_MAGIC);
}

class Pages {
  readonly littleEndian: boolean;
  readonly pageSize: number;
  /** Pages actually present in the file (a truncated file has fewer than the meta page says). */
  readonly count: number;

  constructor(readonly body: Buffer) {
    this.littleEndian = body.readUInt32LE(12) === HASH_MAGIC;
    this.pageSize = this.u32(body, 20);
    this.count = Math.floor(body.length / this.pageSize);
  }

  u32(buf: Buffer, at: number): number {
    return this.littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }

  u16(buf: Buffer, at: number): number {
    return this.littleEndian ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
  }

  page(pgno: number): Buffer | undefined {
    if (pgno <= 0 || pgno >= this.count) return undefined;
    return this.body.subarray(pgno * this.pageSize, (pgno + 1) * this.pageSize);
  }

  /** 'valid' when the page header names its own number, 'empty' for a never-written (zero) page. */
  kind(pgno: number, page: Buffer): 'valid' | 'empty' | 'bad' {
    const stored = this.u32(page, 8);
    if (stored === pgno) return 'valid';
    return stored === 0 && page[25] === PAGE_TYPE.invalid ? 'empty' : 'bad';
  }
}

/** Reads every value of the hash database; keys are rpm's header numbers, and key 0 is a counter, not a header. */
export function readBerkeleyDb(body: Buffer): BlobScan {
  const problems: string[] = [];
  const pages = new Pages(body);
  const { pageSize } = pages;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    return { blobs: [], problems: [`meta page gives an impossible page size (${pageSize})`] };
  }
  if (body[25] !== PAGE_TYPE.hashMeta) return { blobs: [], problems: [`not a hash database (meta page type ${body[25]})`] };
  if (body[24] !== 0) return { blobs: [], problems: ['encrypted databases are not supported'] };
  const lastPage = pages.u32(body, 32);
  if (lastPage >= pages.count) problems.push(`file is truncated: ${pages.count} of ${lastPage + 1} pages present`);

  const scan: HashScan = { blobs: [], problems, chainHeads: new Set() };
  const end = Math.min(lastPage + 1, pages.count);
  for (let pgno = 1; pgno < end; pgno++) {
    const page = pages.page(pgno);
    if (!page) break;
    const kind = pages.kind(pgno, page);
    if (kind === 'bad') {
      problems.push(`page ${pgno}: not a valid page`);
      continue;
    }
    const type = page[25];
    if (kind === 'empty' || (type !== PAGE_TYPE.hash && type !== PAGE_TYPE.hashUnsorted)) continue;
    readHashPage(pages, pgno, page, scan);
  }
  if (problems.length > 0) recoverOrphanChains(pages, end, scan);
  return { blobs: scan.blobs, problems };
}

interface HashScan extends BlobScan {
  /** First pages of the overflow chains that hash items point to. */
  chainHeads: Set<number>;
}

function readHashPage(pages: Pages, pgno: number, page: Buffer, scan: HashScan): void {
  const { pageSize } = pages;
  const entries = pages.u16(page, 20);
  const indexEnd = PAGE_HEADER_SIZE + entries * 2;
  if (indexEnd > pageSize) {
    scan.problems.push(`page ${pgno}: claims ${entries} items`);
    return;
  }
  // Items are packed from the end of the page down; an item runs up to where the previous one starts.
  const offsets: number[] = [];
  for (let i = 0; i < entries; i++) {
    const offset = pages.u16(page, PAGE_HEADER_SIZE + i * 2);
    const limit = i === 0 ? pageSize : (offsets[i - 1] ?? 0);
    if (offset < indexEnd || offset >= limit) {
      scan.problems.push(`page ${pgno}: item ${i} lies outside the page`);
      return;
    }
    offsets.push(offset);
  }
  for (let i = 0; i + 1 < entries; i += 2) {
    const keyAt = offsets[i] ?? 0;
    const keyEnd = i === 0 ? pageSize : (offsets[i - 1] ?? 0);
    if (isCounterKey(page, keyAt, keyEnd)) continue;
    const value = readValue(pages, page, offsets[i + 1] ?? 0, keyAt, scan.chainHeads);
    if (typeof value === 'string') scan.problems.push(`page ${pgno}: item ${i + 1}: ${value}`);
    else scan.blobs.push(value);
  }
}

/** Key 0 holds rpm's next header number, not a package. */
function isCounterKey(page: Buffer, at: number, end: number): boolean {
  if (page[at] !== ITEM_TYPE.keyData || end - at !== 5) return false;
  return page.readUInt32LE(at + 1) === 0;
}

/** The value bytes, or why they cannot be read. */
function readValue(pages: Pages, page: Buffer, at: number, end: number, chainHeads: Set<number>): Buffer | string {
  const type = page[at];
  if (type === ITEM_TYPE.keyData) return page.subarray(at + 1, end);
  if (type !== ITEM_TYPE.offPage)
    return type === ITEM_TYPE.duplicate || type === ITEM_TYPE.offDuplicate ? 'duplicate items are not used by rpm' : `unknown item type ${type}`;
  if (end - at < OFFPAGE_ITEM_SIZE) return 'offpage item is cut short';
  const first = pages.u32(page, at + 4);
  chainHeads.add(first);
  return readChain(pages, first, pages.u32(page, at + 8));
}

/**
 * When a hash page is lost, the headers it pointed to still sit in their overflow chains:
 * a chain starts on an overflow page with no previous page, and a header knows its own length.
 */
function recoverOrphanChains(pages: Pages, end: number, scan: HashScan): void {
  let recovered = 0;
  for (let pgno = 1; pgno < end; pgno++) {
    const page = pages.page(pgno);
    if (!page || scan.chainHeads.has(pgno) || pages.kind(pgno, page) !== 'valid') continue;
    if (page[25] !== PAGE_TYPE.overflow || pages.u32(page, 12) !== 0) continue;
    const value = readChain(pages, pgno, undefined);
    if (typeof value === 'string') continue;
    scan.blobs.push(value);
    recovered++;
  }
  if (recovered > 0) scan.problems.push(`${recovered} header${recovered === 1 ? '' : 's'} recovered from overflow pages no hash page points to`);
}

/**
 * Follows an overflow chain to its end, or to `total` bytes when the item gives a length.
 * Every page must be an overflow page, in the file, not seen before, so the walk ends and
 * never gathers more than the file holds.
 */
function readChain(pages: Pages, first: number, total: number | undefined): Buffer | string {
  const room = pages.pageSize - PAGE_HEADER_SIZE;
  const parts: Buffer[] = [];
  let filled = 0;
  const seen = new Set<number>();
  for (let pgno = first; total === undefined ? pgno !== 0 : filled < total;) {
    const page = pages.page(pgno);
    if (!page) return `overflow chain leaves the file at page ${pgno}`;
    if (seen.has(pgno)) return `overflow chain loops at page ${pgno}`;
    seen.add(pgno);
    if (pages.kind(pgno, page) !== 'valid' || page[25] !== PAGE_TYPE.overflow) return `overflow chain reaches a bad page (${pgno})`;
    // On overflow pages the "high free offset" field holds the number of bytes used.
    const used = pages.u16(page, 22);
    if (used === 0 || used > room || (total !== undefined && used > total - filled)) return `overflow page ${pgno} claims ${used} bytes`;
    parts.push(page.subarray(PAGE_HEADER_SIZE, PAGE_HEADER_SIZE + used));
    filled += used;
    pgno = pages.u32(page, 16);
  }
  return Buffer.concat(parts, filled);
}
