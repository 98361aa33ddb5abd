// One rpm package database, whichever backend wrote it, recognised by its magic bytes.
import { errorMessage } from '../../../errors.js';
import { isBerkeleyDb, readBerkeleyDb } from './bdb.js';
import type { BlobScan } from './blobs.js';
import { parseRpmHeader, RpmHeaderError, type RpmHeader } from './header.js';
import { isNdb, readNdb } from './ndb.js';
import { isSqlite, readSqlite } from './sqlite.js';

export type RpmBackend = 'bdb' | 'ndb' | 'sqlite';

export interface RpmDatabase {
  backend?: RpmBackend;
  headers: RpmHeader[];
  /** Damage met, one short phrase each; empty for a sound database. */
  problems: string[];
}

export function detectRpmBackend(body: Buffer): RpmBackend | undefined {
  if (isSqlite(body)) return 'sqlite';
  if (isNdb(body)) return 'ndb';
  if (isBerkeleyDb(body)) return 'bdb';
  return undefined;
}

const READERS: Record<RpmBackend, (body: Buffer) => BlobScan> = { bdb: readBerkeleyDb, ndb: readNdb, sqlite: readSqlite };

/** Reads every package header the database still yields; never throws for bad bytes. */
export function readRpmDatabase(body: Buffer): RpmDatabase {
  const backend = detectRpmBackend(body);
  if (!backend) return { headers: [], problems: ['not an rpm database (no SQLite, NDB or Berkeley DB magic)'] };
  let scan: BlobScan;
  try {
    scan = READERS[backend](body);
  } catch (err) {
    // The readers bound every offset they follow; this is the last guard against bytes they did not foresee.
    return { backend, headers: [], problems: [`unreadable ${backend} database: ${errorMessage(err)}`] };
  }
  const { blobs, problems } = scan;
  const headers: RpmHeader[] = [];
  let unreadable = 0;
  let firstReason = '';
  for (const blob of blobs) {
    try {
      headers.push(parseRpmHeader(blob));
    } catch (err) {
      unreadable++;
      firstReason ||= err instanceof RpmHeaderError ? err.message : `unexpected: ${errorMessage(err)}`;
    }
  }
  if (unreadable > 0) problems.push(`${unreadable} package header${unreadable === 1 ? '' : 's'} unreadable (${firstReason})`);
  return { backend, headers, problems };
}
