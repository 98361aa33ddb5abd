// Read access to a built database: the matcher's look-up and what `db status` reports. The
// file is opened read-only; an update renames a new file over it, and an open handle keeps
// reading the file it opened.
import Database from 'better-sqlite3';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, PlimsollError, errorMessage } from '../errors.js';
import { DB_FILE, SCHEMA_VERSION, normalizeName } from './schema.js';
import type { Advisory, DbStatus, SourceStatus } from './types.js';

export const DEFAULT_MAX_AGE_DAYS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface VulnDatabase {
  readonly path: string;
  readonly schemaVersion: number;
  readonly builtAt: string;
  /** Every advisory naming this package in this ecosystem (`Debian:12`, `PyPI`, `Alpine:v3.20`). */
  advisoriesFor(ecosystem: string, name: string): Advisory[];
  /** Advisories whose id or alias is `id` (a CVE id finds the DSA, GHSA... records that alias it). */
  advisoriesById(id: string): Advisory[];
  /** How many advisories name any package of this ecosystem: how much the database knows about it. */
  advisoryCount(ecosystem: string): number;
  status(options?: { maxAgeDays?: number; now?: Date }): DbStatus;
  close(): void;
}

/** [source id, advisory id, record JSON] */
type Row = [number, string, string];

export function databasePath(dbDir: string): string {
  return join(dbDir, DB_FILE);
}

/** Opens `<dbDir>/plimsoll.db`; a missing, foreign, truncated or outdated file is a one-line InputError. */
export function openDatabase(dbDir: string): VulnDatabase {
  return openDatabaseFile(databasePath(dbDir));
}

export function openDatabaseFile(path: string): VulnDatabase {
  checkSqliteFile(path);
  let db: Database.Database;
  let meta: Map<string, string>;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    meta = new Map(rows.map((row) => [row.key, row.value]));
  } catch (err) {
    throw unreadable(path, err);
  }
  const schemaVersion = Number(meta.get('schema_version'));
  const builtAt = meta.get('built_at') ?? '';
  if (schemaVersion !== SCHEMA_VERSION) {
    db.close();
    throw new InputError(`${path}: database schema version ${meta.get('schema_version') ?? 'missing'}, this Plimsoll reads version ${SCHEMA_VERSION}; run 'plimsoll db update'`);
  }

  // Rows come back as arrays: no join and no row objects, which halves the
  // cost of the matcher's thousands of look-ups. The primary key orders them by advisory.
  const byPackage = db.prepare('SELECT a.source_id, a.advisory_id, a.record FROM affected f JOIN advisories a ON a.id = f.advisory WHERE f.ecosystem = ? AND f.name = ?').raw();
  const byId = db
    .prepare('SELECT source_id, advisory_id, record FROM advisories WHERE advisory_id = @id OR id IN (SELECT advisory FROM aliases WHERE alias = @id) ORDER BY id')
    .raw();
  const countByEcosystem = db.prepare('SELECT COUNT(DISTINCT advisory) FROM affected WHERE ecosystem = ?').pluck();
  const sources = db.prepare('SELECT name, ecosystem, url, records, last_modified AS lastModified FROM sources ORDER BY id');
  let sourceNames: Map<number, string>;
  try {
    sourceNames = new Map((db.prepare('SELECT id, name FROM sources').raw().all() as [number, string][]));
  } catch (err) {
    db.close();
    throw unreadable(path, err);
  }

  const query = (run: () => Row[]): Advisory[] => {
    let rows: Row[];
    try {
      rows = run();
    } catch (err) {
      throw isSqliteError(err) ? unreadable(path, err) : err;
    }
    return toAdvisories(rows, sourceNames);
  };

  return {
    path,
    schemaVersion,
    builtAt,
    advisoriesFor: (ecosystem, name) => query(() => byPackage.all(ecosystem, normalizeName(ecosystem, name)) as Row[]),
    advisoriesById: (id) => query(() => byId.all({ id }) as Row[]),
    advisoryCount(ecosystem) {
      try {
        return countByEcosystem.get(ecosystem) as number;
      } catch (err) {
        throw isSqliteError(err) ? unreadable(path, err) : err;
      }
    },
    status(options = {}) {
      const now = options.now ?? new Date();
      const maxAgeDays = options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
      const ageMs = now.getTime() - Date.parse(builtAt);
      const ageDays = Math.floor(ageMs / DAY_MS);
      const warnings = ageMs > maxAgeDays * DAY_MS ? [`vulnerability database is ${ageDays} days old (built ${builtAt}); run 'plimsoll db update'`] : [];
      let rows: SourceStatus[];
      try {
        rows = sources.all() as SourceStatus[];
      } catch (err) {
        throw unreadable(path, err);
      }
      return { path, schemaVersion, builtAt, ageDays, sources: rows, warnings };
    },
    close: () => db.close(),
  };
}

/**
 * The same record may come from two feeds (osv.dev puts a record affecting Alpine and Debian in
 * both zips); identical copies are returned once.
 */
function toAdvisories(rows: Row[], sourceNames: Map<number, string>): Advisory[] {
  const seen = new Map<string, string[]>();
  const out: Advisory[] = [];
  for (const [sourceId, id, record] of rows) {
    // Compare whole records only when an id repeats, which is rare.
    const copies = seen.get(id);
    if (copies?.includes(record)) continue;
    if (copies) copies.push(record);
    else seen.set(id, [record]);
    const advisory = JSON.parse(record) as Advisory;
    advisory.source = sourceNames.get(sourceId) ?? '';
    out.push(advisory);
  }
  return out;
}

/** A damaged file surfaces as SQLITE_CORRUPT, SQLITE_NOTADB... at query time. */
export function isSqliteError(err: unknown): boolean {
  return String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_');
}

function unreadable(path: string, err: unknown): PlimsollError {
  return new InputError(`${path}: not a readable Plimsoll vulnerability database (${errorMessage(err)}); run 'plimsoll db update' or 'plimsoll db import'`);
}

/**
 * Cheap checks before SQLite sees the file, so a truncated copy fails at open with a clear
 * message instead of at some later query: the header magic, and the page count the header
 * records against the file's length.
 */
function checkSqliteFile(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new InputError(`${path}: no vulnerability database; run 'plimsoll db update' (or 'plimsoll db import FILE')`);
  }
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') {
    throw new InputError(`${path}: not a SQLite database (${size} bytes); run 'plimsoll db update' or 'plimsoll db import'`);
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  // The header's page count is valid when its change counter matches "version-valid-for".
  if (header.readUInt32BE(24) === header.readUInt32BE(92) && pages * pageSize !== size) {
    throw new InputError(`${path}: truncated or damaged database (${size} bytes, header says ${pages * pageSize}); run 'plimsoll db update' or 'plimsoll db import'`);
  }
}
