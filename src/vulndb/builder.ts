// Writes a new database file in one transaction. The caller renames it into place only after
// `finish()` has checked it, so a reader never sees a half-built database. An incremental update
// starts from a copy of the installed database and replaces or drops single sources in it.
import Database from 'better-sqlite3';
import { copyFileSync, rmSync } from 'node:fs';
import { cpeProduct } from './cpe.js';
import { newestDate } from './data-date.js';
import type { Feed } from './sources.js';
import { SCHEMA, SCHEMA_VERSION, normalizeName } from './schema.js';
import { cvssScore } from '../match/cvss/index.js';
import { CVSS4 } from '../match/cvss/v4.js';
import type { FeedItem, NvdRecord, OsvRecord } from './types.js';

type Table = 'advisories' | 'nvd' | 'kev' | 'epss' | 'maven_sha1';

/** What a database remembers of each feed it was built from. */
export interface StoredFeed {
  /** fetch.ts's fingerprint of the content read (or NVD's sync time). */
  fingerprint: string;
  /** Withdrawn records dropped while reading it, to report again when it is kept. */
  withdrawn: number;
}

interface SourceCounts {
  name: string;
  /** Items read, by the table they went to (enrichment is one row per CVE, so those count CVEs). */
  advisories: number;
  cves: Record<Exclude<Table, 'advisories' | 'maven_sha1'>, Set<string>>;
  /** Maven artifacts read (one SHA-1 index row each). */
  artifacts: number;
  dataDate: string | null;
  /** Whether the records' own `modified` dates say when the data is from. */
  datedRecords: boolean;
}

export class DatabaseBuilder {
  private readonly db: Database.Database;
  private readonly insertSource: Database.Statement;
  private readonly insertAdvisory: Database.Statement;
  private readonly insertAlias: Database.Statement;
  private readonly insertAffected: Database.Statement;
  private readonly insertNvd: Database.Statement;
  private readonly insertCpeProduct: Database.Statement;
  private readonly insertKev: Database.Statement;
  private readonly insertEpss: Database.Statement;
  private readonly insertMavenSha1: Database.Statement;
  private readonly insertCvss4: Database.Statement;
  /** The v4.0 vectors scored by this build (most recur in many records). */
  private readonly scored = new Set<string>();
  private readonly expected = new Map<number, SourceCounts>();

  /** `base`: an installed database of this schema to start from, instead of an empty one. */
  constructor(
    readonly path: string,
    base?: string,
  ) {
    rmSync(path, { force: true });
    if (base) copyFileSync(base, path);
    this.db = new Database(path);
    // Nothing reads this file until it is complete, and a crash discards it: no journal needed.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    if (!base) this.db.exec(SCHEMA);
    this.db.exec('BEGIN');
    this.insertSource = this.db.prepare('INSERT INTO sources (name, kind, ecosystem, url, records, last_modified) VALUES (?, ?, ?, ?, 0, ?)');
    this.insertAdvisory = this.db.prepare('INSERT INTO advisories (source_id, advisory_id, modified, record) VALUES (?, ?, ?, ?)');
    this.insertAlias = this.db.prepare('INSERT OR IGNORE INTO aliases (alias, advisory) VALUES (?, ?)');
    this.insertAffected = this.db.prepare('INSERT OR IGNORE INTO affected (ecosystem, name, advisory) VALUES (?, ?, ?)');
    // A CVE read twice (an NVD record fetched again by a later incremental page) keeps the last copy.
    this.insertNvd = this.db.prepare('INSERT OR REPLACE INTO nvd (cve, source_id, record) VALUES (?, ?, ?)');
    this.insertCpeProduct = this.db.prepare('INSERT OR IGNORE INTO cpe_products (vendor, product, cve) VALUES (?, ?, ?)');
    this.insertKev = this.db.prepare('INSERT OR REPLACE INTO kev (cve, source_id, entry) VALUES (?, ?, ?)');
    this.insertEpss = this.db.prepare('INSERT OR REPLACE INTO epss (cve, source_id, score, percentile, date) VALUES (?, ?, ?, ?, ?)');
    // The same artifact from two repositories (Debian's and a site's) stays the first one's.
    this.insertMavenSha1 = this.db.prepare('INSERT OR IGNORE INTO maven_sha1 (sha1, group_id, artifact_id, version, source_id) VALUES (?, ?, ?, ?, ?)');
    this.insertCvss4 = this.db.prepare('INSERT OR IGNORE INTO cvss4_scores (vector, score) VALUES (?, ?)');
  }

  /**
   * A source to read into the database; one of the base's by that name is emptied and keeps its id.
   * `datedRecords: false` for feeds whose readers stamp records with the feed's own Last-Modified.
   */
  addSource(feed: Feed, url: string, lastModified: string | null, datedRecords = true): number {
    const existing = this.db.prepare('SELECT id FROM sources WHERE name = ?').pluck().get(feed.name) as number | undefined;
    let id: number;
    if (existing === undefined) id = Number(this.insertSource.run(feed.name, feed.kind, feed.ecosystem, url, lastModified).lastInsertRowid);
    else {
      id = existing;
      this.deleteRecords(id);
      this.db
        .prepare('UPDATE sources SET kind = ?, ecosystem = ?, url = ?, records = 0, last_modified = ?, data_date = NULL WHERE id = ?')
        .run(feed.kind, feed.ecosystem, url, lastModified, id);
    }
    this.expected.set(id, {
      name: feed.name,
      advisories: 0,
      cves: { nvd: new Set(), kev: new Set(), epss: new Set() },
      artifacts: 0,
      dataDate: null,
      datedRecords,
    });
    return id;
  }

  /** Removes a source of the base and everything read from it (a feed no longer offered). */
  dropSource(name: string): void {
    const id = this.db.prepare('SELECT id FROM sources WHERE name = ?').pluck().get(name) as number | undefined;
    if (id === undefined) return;
    this.deleteRecords(id);
    this.db.prepare('DELETE FROM sources WHERE id = ?').run(id);
  }

  private deleteRecords(id: number): void {
    const ofAdvisories = 'IN (SELECT id FROM advisories WHERE source_id = ?)';
    this.db.prepare(`DELETE FROM aliases WHERE advisory ${ofAdvisories}`).run(id);
    this.db.prepare(`DELETE FROM affected WHERE advisory ${ofAdvisories}`).run(id);
    this.db.prepare('DELETE FROM advisories WHERE source_id = ?').run(id);
    this.db.prepare('DELETE FROM cpe_products WHERE cve IN (SELECT cve FROM nvd WHERE source_id = ?)').run(id);
    for (const table of ['nvd', 'kev', 'epss', 'maven_sha1']) this.db.prepare(`DELETE FROM ${table} WHERE source_id = ?`).run(id);
  }

  add(sourceId: number, item: FeedItem): void {
    const source = this.expected.get(sourceId);
    if (!source) throw new Error(`no source ${sourceId}`);
    switch (item.kind) {
      case 'osv':
        this.addOsv(sourceId, item.record);
        source.advisories++;
        if (source.datedRecords) source.dataDate = newestDate(source.dataDate, item.record.modified);
        return;
      case 'nvd':
        this.addNvd(sourceId, item.record);
        source.cves.nvd.add(item.record.id);
        source.dataDate = newestDate(source.dataDate, item.record.lastModified);
        return;
      case 'kev':
        this.insertKev.run(item.entry.cveID, sourceId, JSON.stringify(item.entry));
        source.cves.kev.add(item.entry.cveID);
        return;
      case 'epss':
        this.insertEpss.run(item.score.cve, sourceId, item.score.score, item.score.percentile, item.score.date);
        source.cves.epss.add(item.score.cve);
        return;
      case 'data-date':
        source.dataDate = newestDate(source.dataDate, item.date);
        return;
      case 'maven-artifact': {
        const { groupId, artifactId, version } = item.artifact;
        this.insertMavenSha1.run(item.sha1, groupId, artifactId, version, sourceId);
        source.artifacts++;
        return;
      }
    }
  }

  /** How many items of a source were stored so far (advisories, CVEs for enrichment feeds, or Maven artifacts). */
  count(sourceId: number): number {
    const source = this.expected.get(sourceId);
    if (!source) return 0;
    return source.advisories + source.cves.nvd.size + source.cves.kev.size + source.cves.epss.size + source.artifacts;
  }

  /** The newest date the source's data states so far (see data-date.ts). */
  dataDate(sourceId: number): string | null {
    return this.expected.get(sourceId)?.dataDate ?? null;
  }

  private addOsv(sourceId: number, record: OsvRecord): void {
    const rowid = this.insertAdvisory.run(sourceId, record.id, record.modified ?? null, JSON.stringify(record)).lastInsertRowid;
    for (const s of [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])]) this.scoreCvss4(s.score);
    for (const alias of record.aliases ?? []) {
      if (typeof alias === 'string') this.insertAlias.run(alias, rowid);
    }
    for (const affected of record.affected ?? []) {
      const pkg = affected.package;
      if (pkg) this.insertAffected.run(pkg.ecosystem, normalizeName(pkg.ecosystem, pkg.name), rowid);
    }
  }

  private addNvd(sourceId: number, record: NvdRecord): void {
    this.insertNvd.run(record.id, sourceId, JSON.stringify(record));
    for (const metric of record.cvss) this.scoreCvss4(metric.vector);
    for (const configuration of record.configurations) {
      for (const node of configuration.nodes) {
        for (const match of node.cpeMatch) {
          const product = match.vulnerable ? cpeProduct(match.criteria) : undefined;
          if (product) this.insertCpeProduct.run(product.vendor, product.product, record.id);
        }
      }
    }
  }

  /** Stores the score of a CVSS v4.0 vector (see the schema's cvss4_scores); other severities are left alone. */
  private scoreCvss4(vector: unknown): void {
    if (typeof vector !== 'string' || !vector.startsWith(CVSS4) || this.scored.has(vector)) return;
    this.scored.add(vector);
    // null: the vector does not compute (the matcher then leaves it out, as it would compute it).
    this.insertCvss4.run(vector, cvssScore(vector) ?? null);
  }

  /**
   * Commits, then checks the file before anyone may use it; throws what is wrong. `feeds` is what
   * the next update compares with (see update.ts), stored under the meta key `feeds`.
   */
  finish(builtAt: string, feeds: Record<string, StoredFeed>): void {
    const setCounts = this.db.prepare('UPDATE sources SET records = ?, data_date = ? WHERE id = ?');
    for (const [id, source] of this.expected) setCounts.run(this.count(id), source.dataDate, id);
    this.db.exec('DELETE FROM advisory_counts; INSERT INTO advisory_counts SELECT ecosystem, COUNT(DISTINCT advisory) FROM affected GROUP BY ecosystem');
    const setMeta = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    setMeta.run('schema_version', String(SCHEMA_VERSION));
    setMeta.run('built_at', builtAt);
    setMeta.run('feeds', JSON.stringify(feeds));
    this.db.exec('ANALYZE');
    this.db.exec('COMMIT');
    this.db.pragma('journal_mode = DELETE');

    const integrity = this.db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`integrity check of the new database failed: ${String(integrity)}`);
    for (const table of ['advisories', 'nvd', 'kev', 'epss', 'maven_sha1'] as const) {
      const counts = this.db.prepare(`SELECT source_id AS id, count(*) AS n FROM ${table} GROUP BY source_id`).all() as { id: number; n: number }[];
      const stored = new Map(counts.map((row) => [row.id, row.n]));
      for (const [id, source] of this.expected) {
        const n = stored.get(id) ?? 0;
        const read = table === 'advisories' ? source.advisories : table === 'maven_sha1' ? source.artifacts : source.cves[table].size;
        // An enrichment row a later source replaced belongs to that source now; an artifact an earlier source had stays its.
        if (table === 'advisories' ? n !== read : n > read) throw new Error(`${source.name}: ${n} ${table} rows stored, ${read} read`);
      }
    }
    this.db.close();
  }

  /** Closes and deletes the unfinished file. */
  abandon(): void {
    if (this.db.open) this.db.close();
    rmSync(this.path, { force: true });
  }
}
