// Writes a new database file in one transaction. The caller renames it into place only after
// `finish()` has checked it, so a reader never sees a half-built database.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import type { Feed } from './sources.js';
import { SCHEMA, SCHEMA_VERSION, normalizeName } from './schema.js';
import type { OsvRecord } from './types.js';

export class DatabaseBuilder {
  private readonly db: Database.Database;
  private readonly insertSource: Database.Statement;
  private readonly insertAdvisory: Database.Statement;
  private readonly insertAlias: Database.Statement;
  private readonly insertAffected: Database.Statement;
  private readonly expected = new Map<number, { name: string; records: number }>();

  constructor(readonly path: string) {
    rmSync(path, { force: true });
    this.db = new Database(path);
    // Nothing reads this file until it is complete, and a crash discards it: no journal needed.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(SCHEMA);
    this.db.exec('BEGIN');
    this.insertSource = this.db.prepare('INSERT INTO sources (name, kind, ecosystem, url, records, last_modified) VALUES (?, ?, ?, ?, 0, ?)');
    this.insertAdvisory = this.db.prepare('INSERT INTO advisories (source_id, advisory_id, modified, record) VALUES (?, ?, ?, ?)');
    this.insertAlias = this.db.prepare('INSERT OR IGNORE INTO aliases (alias, advisory) VALUES (?, ?)');
    this.insertAffected = this.db.prepare('INSERT OR IGNORE INTO affected (ecosystem, name, advisory) VALUES (?, ?, ?)');
  }

  addSource(feed: Feed, url: string, lastModified: string | null): number {
    const id = Number(this.insertSource.run(feed.name, feed.kind, feed.ecosystem, url, lastModified).lastInsertRowid);
    this.expected.set(id, { name: feed.name, records: 0 });
    return id;
  }

  addRecord(sourceId: number, record: OsvRecord): void {
    const rowid = this.insertAdvisory.run(sourceId, record.id, record.modified ?? null, JSON.stringify(record)).lastInsertRowid;
    for (const alias of record.aliases ?? []) {
      if (typeof alias === 'string') this.insertAlias.run(alias, rowid);
    }
    for (const affected of record.affected ?? []) {
      const pkg = affected.package;
      if (pkg) this.insertAffected.run(pkg.ecosystem, normalizeName(pkg.ecosystem, pkg.name), rowid);
    }
    const source = this.expected.get(sourceId);
    if (source) source.records++;
  }

  /** Commits, then checks the file before anyone may use it; throws what is wrong. */
  finish(builtAt: string): void {
    const setCount = this.db.prepare('UPDATE sources SET records = ? WHERE id = ?');
    for (const [id, source] of this.expected) setCount.run(source.records, id);
    const setMeta = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    setMeta.run('schema_version', String(SCHEMA_VERSION));
    setMeta.run('built_at', builtAt);
    this.db.exec('ANALYZE');
    this.db.exec('COMMIT');
    this.db.pragma('journal_mode = DELETE');

    const integrity = this.db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`integrity check of the new database failed: ${String(integrity)}`);
    const counts = this.db.prepare('SELECT source_id AS id, count(*) AS n FROM advisories GROUP BY source_id').all() as { id: number; n: number }[];
    const stored = new Map(counts.map((row) => [row.id, row.n]));
    for (const [id, source] of this.expected) {
      const n = stored.get(id) ?? 0;
      if (n !== source.records) throw new Error(`${source.name}: ${n} records stored, ${source.records} read`);
    }
    this.db.close();
  }

  /** Closes and deletes the unfinished file. */
  abandon(): void {
    if (this.db.open) this.db.close();
    rmSync(this.path, { force: true });
  }
}
