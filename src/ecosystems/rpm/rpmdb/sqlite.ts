// rpm's SQLite backend (`rpmdb.sqlite`, rpm ≥ 4.16: Fedora, RHEL 9, Amazon Linux 2023, Azure Linux):
// the table `Packages (hnum INTEGER PRIMARY KEY, blob BLOB)` holds one header blob per row.
// The database is opened from memory, read-only; nothing is written to disk.
import type Database from 'better-sqlite3';
import { errorMessage } from '../../../errors.js';
import { sqlite } from '../../../lazy-require.js';
import type { BlobScan } from './blobs.js';

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** A truncated file is padded back to its stated size only up to this much (the analyzer's size limit). */
const MAX_IMAGE = 256 * 1024 * 1024;
/** Rows listed at most: far above any real system, and a bound on the work of a hostile one. */
const MAX_ROWS = 1_000_000;

export function isSqlite(body: Buffer): boolean {
  return body.length >= MAGIC.length && body.subarray(0, MAGIC.length).equals(MAGIC);
}

/**
 * The bytes SQLite is given: a copy marked as rollback-journal, because rpm leaves its databases
 * in WAL mode (header bytes 18 and 19 = 2), which an in-memory database cannot open; and, for a
 * truncated file, zero-padded to the size its header states, so the pages still present can be read.
 */
function memoryImage(body: Buffer): Buffer {
  let size = body.length;
  if (body.length >= 100) {
    const pageSize = body.readUInt16BE(16) === 1 ? 65536 : body.readUInt16BE(16);
    // The stated page count is valid only when the change counter equals "version valid for".
    const stated = body.readUInt32BE(24) === body.readUInt32BE(92) ? body.readUInt32BE(28) * pageSize : 0;
    if (stated > size && stated <= MAX_IMAGE) size = stated;
  }
  const image = Buffer.alloc(size);
  body.copy(image);
  if (image.length > 19) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

/**
 * Lists the rows first, then reads each blob on its own, so one damaged row does not hide the others.
 * When the listing breaks off, rpm's `Name` index (name → hnum, on pages of its own) names the rows
 * beyond the damage.
 */
export function readSqlite(body: Buffer): BlobScan {
  const image = memoryImage(body);
  const problems: string[] = [];
  if (image.length > body.length) problems.push(`file is truncated: ${body.length} of ${image.length} bytes present`);
  let db: Database.Database;
  try {
    db = new (sqlite())(image, { readonly: true });
  } catch (err) {
    return { blobs: [], problems: [...problems, `cannot open as SQLite: ${errorMessage(err)}`] };
  }
  const blobs: Buffer[] = [];
  try {
    // Schema code (views, triggers) may call no function with side effects.
    db.pragma('trusted_schema = OFF');
    const packages = notATable(db, 'Packages');
    if (packages) return { blobs, problems: [...problems, packages] };
    const rowIds = new Set<unknown>();
    if (!collect(db, 'SELECT hnum FROM Packages', rowIds, problems) && !notATable(db, 'Name')) collect(db, 'SELECT DISTINCT hnum FROM Name', rowIds, problems);
    const read = db.prepare('SELECT blob FROM Packages WHERE hnum = ?').pluck();
    let unreadable = 0;
    let firstReason = '';
    for (const hnum of rowIds) {
      try {
        const blob: unknown = read.get(hnum);
        if (!Buffer.isBuffer(blob)) throw new Error(blob === undefined ? 'no such row' : 'blob is not binary');
        blobs.push(blob);
      } catch (err) {
        unreadable++;
        firstReason ||= `row ${String(hnum)}: ${errorMessage(err)}`;
      }
    }
    if (unreadable > 0) problems.push(`${unreadable} row${unreadable === 1 ? '' : 's'} unreadable (${firstReason})`);
  } catch (err) {
    problems.push(`cannot read the Packages table: ${errorMessage(err)}`);
  } finally {
    db.close();
  }
  return { blobs, problems };
}

/**
 * Why rpm's table `name` cannot be queried safely, or undefined when it is a plain table. better-sqlite3
 * has no progress handler to stop a runaway query, so a view (a recursive one never ends) or a virtual
 * table is refused by its schema entry before any query touches it.
 */
function notATable(db: Database.Database, name: string): string | undefined {
  const entry = db.prepare('SELECT type, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE').get(name) as { type: string; sql: string | null } | undefined;
  if (!entry) return `no ${name} table`;
  if (entry.type !== 'table' || /^\s*create\s+virtual\b/i.test(entry.sql ?? ''))
    return `${name} is a ${entry.type === 'table' ? 'virtual table' : entry.type}, not a table; not read`;
  return undefined;
}

/** Adds the query's single column to `into` (at most MAX_ROWS values); false (with a problem) when it broke off. */
function collect(db: Database.Database, sql: string, into: Set<unknown>, problems: string[]): boolean {
  const before = into.size;
  try {
    for (const value of db.prepare(sql).pluck().iterate()) {
      if (into.size - before >= MAX_ROWS) {
        problems.push(`\`${sql}\` stopped after ${MAX_ROWS} rows`);
        return true;
      }
      into.add(value);
    }
    return true;
  } catch (err) {
    problems.push(`\`${sql}\` stopped after ${into.size - before} rows: ${errorMessage(err)}`);
    return false;
  }
}
