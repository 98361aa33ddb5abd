// The local copy of NVD, `<dbDir>/feeds/nvd/cves.db`: every CVE fetched so far (the API's `cve`
// object as sent, deflated) and the sync's cursor. SQLite because each page and the cursor that
// says it was fetched commit in one transaction: a sync killed at any instant keeps every page
// it finished and resumes after the last one. Only the update that holds the lock writes it.
import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { PlimsollError, errorMessage } from '../../errors.js';
import { isSqliteError } from '../database.js';
import type { FeedItem, NvdRecord } from '../types.js';
import { toNvdRecord } from './record.js';

export const NVD_CACHE_FILE = 'cves.db';

/** One API pass in progress: the whole list, or one window of changes; `nextIndex` is its cursor. */
export type SyncPass = { kind: 'full'; startedAt: string; nextIndex: number } | { kind: 'changes'; start: string; end: string; nextIndex: number };

export interface SyncState {
  /** The API the records came from; another one starts a full pass again. */
  endpoint: string;
  /** Every change up to this instant is in the cache; null until a full pass has ended. */
  syncedTo: string | null;
  pass: SyncPass | null;
}

export interface CachedCve {
  id: string;
  /** ISO instant (NVD writes UTC without a zone), so that strings compare as times. */
  lastModified: string;
  /** The `cve` object as JSON. */
  json: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cves (id TEXT PRIMARY KEY, last_modified TEXT NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export class NvdCache {
  private readonly upsert: Database.Statement;
  private readonly writeState: Database.Statement;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
  ) {
    // The newest lastModified wins: an overlapping or late page never puts an older copy back.
    this.upsert = db.prepare(`INSERT INTO cves (id, last_modified, body) VALUES (?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET last_modified = excluded.last_modified, body = excluded.body WHERE excluded.last_modified >= cves.last_modified`);
    this.writeState = db.prepare("INSERT OR REPLACE INTO state (key, value) VALUES ('sync', ?)");
  }

  /** Opens or creates the cache; one that SQLite cannot read is only a cache, so it starts afresh. */
  static open(dir: string): NvdCache {
    const path = join(dir, NVD_CACHE_FILE);
    try {
      mkdirSync(dir, { recursive: true });
      return NvdCache.openFile(path);
    } catch (err) {
      if (!isSqliteError(err)) throw new PlimsollError(`${path}: cannot open the NVD download cache: ${errorMessage(err)}`);
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    return guard(path, () => NvdCache.openFile(path));
  }

  private static openFile(path: string): NvdCache {
    const db = new Database(path);
    try {
      // WAL with synchronous=NORMAL: a killed process loses nothing committed; a power cut at
      // worst the last pages, which the cursor then fetches again.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      db.prepare('SELECT count(*) FROM state').get();
      return new NvdCache(path, db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  state(): SyncState | undefined {
    const row = guard(this.path, () => this.db.prepare("SELECT value FROM state WHERE key = 'sync'").pluck().get()) as string | undefined;
    return row === undefined ? undefined : (JSON.parse(row) as SyncState);
  }

  /** Stores a page's CVEs and the state after it, together or not at all. */
  commit(cves: CachedCve[], state: SyncState): void {
    guard(this.path, () =>
      this.db.transaction(() => {
        for (const cve of cves) this.upsert.run(cve.id, cve.lastModified, deflateRawSync(cve.json));
        this.writeState.run(JSON.stringify(state));
      })(),
    );
  }

  close(): void {
    this.db.close();
  }
}

/** Every cached CVE as an NvdRecord, one row at a time (the whole of NVD would not fit in memory). */
export async function* readNvdCache(path: string): AsyncGenerator<FeedItem> {
  const db = guard(path, () => new Database(path, { readonly: true, fileMustExist: true }));
  const rows = guard(path, () => db.prepare('SELECT id, body FROM cves').raw().iterate()) as IterableIterator<[string, Buffer]>;
  try {
    while (true) {
      const next = guard(path, () => rows.next());
      if (next.done) return;
      yield { kind: 'nvd', record: parse(path, ...next.value) };
    }
  } finally {
    rows.return?.();
    db.close();
  }
}

function parse(path: string, id: string, body: Buffer): NvdRecord {
  try {
    return toNvdRecord(JSON.parse(inflateRawSync(body).toString('utf8')));
  } catch (err) {
    throw new Error(`${path}: ${id}: ${errorMessage(err)}`, { cause: err });
  }
}

/** SQLite's errors here are about the cache, not the database being built: say so in one line. */
function guard<T>(path: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (isSqliteError(err)) throw new PlimsollError(`${path}: the NVD download cache cannot be used (${errorMessage(err)})`);
    throw err;
  }
}
