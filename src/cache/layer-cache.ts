// What Plimsoll learned about a layer (its analysis results and its listing, never file contents),
// kept by layer cache key so a rescan, or another image on the same base, skips the work. One SQLite
// file in WAL mode with a busy timeout, so scans running at once share it; values are compressed; the
// records past a byte bound go least recently used first. The cache is only ever a shortcut: a file
// that is corrupt, a full disk or a read-only directory gives one warning and the scan goes on uncached.
import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import { errorMessage } from '../errors.js';
import { sqlite } from '../lazy-require.js';

export const DEFAULT_CACHE_BYTES = 2 * 1024 ** 3;
/** The database's name inside the cache directory (with its `-wal` and `-shm` companions). */
export const CACHE_FILE = 'layers.sqlite';
const BUSY_TIMEOUT_MS = 5000;
/** Bytes the write-ahead log is truncated to after a checkpoint. */
const WAL_LIMIT = 4 * 1024 * 1024;
/**
 * Brotli's quality 2: on debian-app's listings within 2% of quality 4's size (a seventh of the raw bytes),
 * and on a 200k-entry listing both smaller and about twice as fast as 4 (bench/layer-cache.ts).
 */
const QUALITY = 2;
/** Bumped when the record format changes: older records then simply miss. */
const KEY_SCHEMA = 4;

export interface LayerCacheOptions {
  dir: string;
  /** Bytes of compressed records kept (default 2 GiB); past it, the least recently used go. */
  maxBytes?: number;
  /** One line for each problem that makes the cache (or part of it) unusable; the scan goes on without it. */
  onWarning?: (message: string) => void;
}

export interface LayerCacheStatus {
  dir: string;
  records: number;
  /** Compressed bytes of the records (what the bound counts). */
  bytes: number;
  maxBytes: number;
  /** When the least and the most recently used records were last used. */
  oldest?: Date;
  newest?: Date;
}

/** `$PLIMSOLL_CACHE_DIR`, else `$XDG_CACHE_HOME/plimsoll/layers`, else `~/.cache/plimsoll/layers`. */
export function defaultCacheDir(): string {
  return process.env.PLIMSOLL_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'plimsoll', 'layers');
}

/**
 * The key of one layer's cached analysis: its diff ID, the analyzers that ran with their versions (in
 * any order), and Plimsoll's version, so a change to any of them misses instead of reading stale results.
 */
export function layerCacheKey(diffId: string, analyzers: readonly { name: string; version: number }[], plimsollVersion: string): string {
  const set = [...new Set(analyzers.map((a) => JSON.stringify([a.name, a.version])))].sort();
  const canonical = JSON.stringify({ schema: KEY_SCHEMA, diffId, plimsoll: plimsollVersion, analyzers: set });
  return createHash('sha256').update(canonical).digest('hex');
}

type Statement = Database.Statement<unknown[]>;

interface Statements {
  get: Statement;
  touch: Statement;
  put: Statement;
  total: Statement;
  oldest: Statement;
  remove: Statement;
  summary: Statement;
  meta: Statement;
  setMeta: Statement;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS layers (
    key TEXT PRIMARY KEY,
    bytes INTEGER NOT NULL,
    -- Milliseconds since the epoch, made unique and increasing so the LRU order is total.
    used INTEGER NOT NULL,
    value BLOB NOT NULL
  );
  CREATE INDEX IF NOT EXISTS layers_by_use ON layers (used, bytes);
  -- The cache's own settings: the key its records' secret hashes are made with.
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
`;
/** A use time after every other: now, or one past the latest when the clock has not moved on. */
const NEXT_USE = 'MAX(@now, COALESCE((SELECT MAX(used) FROM layers), 0) + 1)';

export class LayerCache {
  private db: Database.Database | undefined;
  private statements: Statements | undefined;
  /** Set once the database failed: no further attempt is made this run. */
  private broken = false;
  /** Set once a write failed (full disk, read-only file): reads go on. */
  private readOnly = false;
  private readonly warned = new Set<string>();
  /** Set while cleaning: a damaged file is what `clean` is for, not worth a warning. */
  private silent = false;

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly onWarning: (message: string) => void,
  ) {}

  /** Nothing is opened or created until the cache is used; the directory is made (mode 0700) on the first write. */
  static open(options: LayerCacheOptions): LayerCache {
    const maxBytes = options.maxBytes ?? DEFAULT_CACHE_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`layer cache bound must be a whole number of bytes, not ${maxBytes}`);
    return new LayerCache(options.dir, maxBytes, options.onWarning ?? (() => {}));
  }

  get file(): string {
    return join(this.dir, CACHE_FILE);
  }

  /** The record under `key`, marked as just used; undefined when there is none or the cache cannot be read. */
  get(key: string): Buffer | undefined {
    const s = this.connect(false);
    if (!s) return undefined;
    let stored: Buffer | undefined;
    try {
      stored = (s.get.get(key) as { value: Buffer } | undefined)?.value;
    } catch (err) {
      this.fail('read', err);
      return undefined;
    }
    if (!stored) return undefined;
    let value: Buffer;
    try {
      value = brotliDecompressSync(stored);
    } catch (err) {
      this.warn('record', `layer cache ${this.file}: a damaged record was dropped (${errorMessage(err)})`);
      this.write(() => s.remove.run(key));
      return undefined;
    }
    this.write(() => s.touch.run({ now: Date.now(), key }));
    return value;
  }

  /** Forgets the record under `key` (one found to be incomplete after it was stored). */
  delete(key: string): void {
    if (this.readOnly) return;
    const s = this.connect(false);
    if (s) this.write(() => s.remove.run(key));
  }

  /** Stores `value` under `key` in one transaction, then drops the least recently used records past the bound. */
  put(key: string, value: Buffer): void {
    if (this.readOnly) return;
    const stored = brotliCompressSync(value, { params: { [zlib.BROTLI_PARAM_QUALITY]: QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: value.length } });
    // A record larger than the whole bound would only evict everything and then itself.
    if (stored.length > this.maxBytes) return;
    const s = this.connect(true);
    if (!s || !this.db) return;
    const db = this.db;
    let evicted = false;
    this.write(() =>
      db
        .transaction(() => {
          s.put.run({ now: Date.now(), key, bytes: stored.length, value: stored });
          let total = (s.total.get() as { total: number }).total;
          while (total > this.maxBytes) {
            const oldest = s.oldest.get(key) as { key: string; bytes: number } | undefined;
            if (!oldest) break;
            s.remove.run(oldest.key);
            total -= oldest.bytes;
            evicted = true;
          }
        })
        .immediate(),
    );
    if (evicted) this.write(() => db.pragma('incremental_vacuum'));
  }

  /**
   * The random key secrets found in layers are hashed with (HMAC) before their records are stored: made
   * once per cache and kept inside it, so a record alone never tells a secret, not even by a guessed value's
   * plain hash. Undefined when the cache cannot be written (the scan then does not use it for secrets).
   */
  secretKey(): Buffer | undefined {
    if (this.readOnly) return undefined;
    const s = this.connect(true);
    if (!s) return undefined;
    const stored = (): Buffer | undefined => (s.meta.get('secret-key') as { value: Buffer } | undefined)?.value;
    try {
      const key = stored();
      if (key) return key;
    } catch (err) {
      this.fail('read', err);
      return undefined;
    }
    let key: Buffer | undefined;
    this.write(() => {
      s.setMeta.run('secret-key', randomBytes(32));
      key = stored();
    });
    return key;
  }

  status(): LayerCacheStatus {
    const base = { dir: this.dir, records: 0, bytes: 0, maxBytes: this.maxBytes };
    const s = this.connect(false);
    if (!s) return base;
    try {
      const row = s.summary.get() as { records: number; bytes: number | null; oldest: number | null; newest: number | null };
      return {
        ...base,
        records: row.records,
        bytes: row.bytes ?? 0,
        ...(row.oldest !== null ? { oldest: new Date(row.oldest) } : {}),
        ...(row.newest !== null ? { newest: new Date(row.newest) } : {}),
      };
    } catch (err) {
      this.fail('read', err);
      return base;
    }
  }

  /**
   * Removes every record. A readable database is emptied in a transaction and shrunk, since another scan
   * may have it open; an unreadable one is deleted (the directory stays). Counts what was there.
   */
  clean(): { records: number; bytes: number } {
    this.silent = true;
    try {
      const before = this.status();
      const db = this.statements ? this.db : undefined;
      if (db) {
        db.prepare('DELETE FROM layers').run();
        try {
          // Gives the space back; another scan reading the cache at this moment can delay that, not undo the clean.
          db.exec('VACUUM');
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          // The records are gone either way; the file shrinks on a later clean.
        }
        return { records: before.records, bytes: before.bytes };
      }
      const bytes = this.filesBytes();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.file}${suffix}`, { force: true });
      this.broken = false;
      this.readOnly = false;
      return { records: 0, bytes };
    } finally {
      this.silent = false;
    }
  }

  close(): void {
    const db = this.db;
    this.db = undefined;
    this.statements = undefined;
    try {
      db?.close();
    } catch (err) {
      this.warn('close', `layer cache ${this.file}: ${errorMessage(err)}`);
    }
  }

  /** Bytes of the database files on disk (what `clean` frees when the records cannot be counted). */
  private filesBytes(): number {
    let bytes = 0;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        bytes += statSync(`${this.file}${suffix}`).size;
      } catch {
        // Absent.
      }
    }
    return bytes;
  }

  /**
   * The prepared statements, opening the database first: for a read, only when the file exists
   * (nothing is created by looking); for a write, making the directory and the file as needed.
   */
  private connect(create: boolean): Statements | undefined {
    if (this.statements) return this.statements;
    if (this.broken) return undefined;
    if (!create && !existsSync(this.file)) return undefined;
    try {
      const made = !existsSync(this.dir);
      if (made) mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const fresh = !existsSync(this.file);
      const db = new (sqlite())(this.file, { timeout: BUSY_TIMEOUT_MS });
      this.db = db;
      if (fresh) chmodSync(this.file, 0o600);
      // Sorts and temporary tables stay in memory: nothing is written outside the cache directory.
      db.pragma('temp_store = MEMORY');
      // The file shrinks as records are evicted (set before the first table; a no-op on an existing file),
      // and the write-ahead log is cut back after each checkpoint: the bound holds on disk too.
      db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma(`journal_size_limit = ${WAL_LIMIT}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      this.statements = {
        get: db.prepare('SELECT value FROM layers WHERE key = ?'),
        touch: db.prepare(`UPDATE layers SET used = ${NEXT_USE} WHERE key = @key`),
        put: db.prepare(`INSERT OR REPLACE INTO layers (key, bytes, used, value) VALUES (@key, @bytes, ${NEXT_USE}, @value)`),
        total: db.prepare('SELECT COALESCE(SUM(bytes), 0) AS total FROM layers'),
        oldest: db.prepare('SELECT key, bytes FROM layers WHERE key != ? ORDER BY used LIMIT 1'),
        remove: db.prepare('DELETE FROM layers WHERE key = ?'),
        meta: db.prepare('SELECT value FROM meta WHERE name = ?'),
        // Two scans may start at once: the first key stored wins, and both read it back.
        setMeta: db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)'),
        summary: db.prepare('SELECT COUNT(*) AS records, SUM(bytes) AS bytes, MIN(used) AS oldest, MAX(used) AS newest FROM layers'),
      };
      return this.statements;
    } catch (err) {
      this.fail('open', err);
      return undefined;
    }
  }

  /** Runs a write; a failure (full disk, read-only file, lock held too long) stops further writes, not reads. */
  private write(work: () => unknown): void {
    if (this.readOnly) return;
    try {
      work();
    } catch (err) {
      this.readOnly = true;
      this.warn('write', `layer cache ${this.file}: cannot write (${errorMessage(err)}); scanning on without storing results`);
    }
  }

  private fail(what: 'open' | 'read', err: unknown): void {
    this.close();
    this.broken = true;
    const hint = /not a database|malformed|corrupt/i.test(errorMessage(err)) ? '; clear it with plimsoll cache clean' : '';
    this.warn(what, `layer cache ${this.file}: cannot ${what === 'open' ? 'open' : 'read'} (${errorMessage(err)}); scanning without the cache${hint}`);
  }

  /** One warning per kind of problem: a damaged cache is not worth a line per layer. */
  private warn(kind: string, message: string): void {
    if (this.silent || this.warned.has(kind)) return;
    this.warned.add(kind);
    this.onWarning(message.replace(/\s+/g, ' '));
  }
}
