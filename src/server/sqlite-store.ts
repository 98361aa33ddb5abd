// The embedded store: one SQLite file under --data-dir, so `plimsoll server` needs no setup.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { countByPriority } from '../match/priority.js';
import type { Priority, Vulnerability } from '../match/types.js';
import { countBySeverity } from '../model/severity.js';
import type { Severity } from '../model/finding.js';
import { MIGRATIONS } from './migrations.js';
import { diffFindings, type FindingEvent, type ImageFacts, type ImageInventory, type ImageRecord, type ImageSummary, type MatchRecord, type Scope, type Store, type TokenRecord, type TrendPoint } from './store.js';
import type { OsInfo } from '../model/os.js';

export const STORE_FILE = 'plimsoll-server.db';

interface ImageRow {
  id: string;
  project: string;
  ref: string;
  digest: string | null;
  os: string | null;
  facts: string | null;
  submitted_at: string;
  matched_at: string;
  db_built_at: string;
  package_count: number;
}

const IMAGE_COLUMNS = 'i.id, i.project, i.ref, i.digest, i.os, i.facts, i.submitted_at, i.matched_at, i.db_built_at, i.package_count';

function imageRecord(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    project: row.project,
    ref: row.ref,
    ...(row.digest ? { digest: row.digest } : {}),
    ...(row.os ? { os: JSON.parse(row.os) as OsInfo } : {}),
    ...(row.facts ? { facts: JSON.parse(row.facts) as ImageFacts } : {}),
    submittedAt: row.submitted_at,
    matchedAt: row.matched_at,
    dbBuiltAt: row.db_built_at,
  };
}

/** Finding counts grouped by severity and priority, with their KEV count. */
interface CountRow {
  severity: Severity;
  priority: Priority;
  n: number;
  kev: number;
}

type Counts = Pick<TrendPoint, 'vulnerabilities' | 'vulnerabilitiesByPriority' | 'knownExploited'>;

function sumCounts(rows: readonly CountRow[]): Counts {
  const counts: Counts = {
    vulnerabilities: countBySeverity([]),
    vulnerabilitiesByPriority: countByPriority([]),
    knownExploited: 0,
  };
  for (const r of rows) {
    counts.vulnerabilities[r.severity] += r.n;
    counts.vulnerabilitiesByPriority[r.priority] += r.n;
    counts.knownExploited += r.kev;
  }
  return counts;
}

const COUNT_COLUMNS = 'f.severity, f.priority, COUNT(*) AS n, SUM(f.kev) AS kev';

/** `LIKE` pattern for one id in the space-delimited alias list. */
function aliasPattern(id: string): string {
  return `% ${id.replace(/[\\%_]/g, (c) => `\\${c}`)} %`;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;

  private constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  /** Opens (creating) `<dataDir>/plimsoll-server.db` and applies the migrations it lacks. */
  static open(dataDir: string): SqliteStore {
    mkdirSync(dataDir, { recursive: true });
    const store = new SqliteStore(join(dataDir, STORE_FILE));
    store.migrate();
    return store;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    const current = row.v ?? 0;
    for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
      this.db.transaction(() => {
        for (const sql of migration.statements) this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
      })();
    }
  }

  async ensureProject(name: string, at: string): Promise<void> {
    this.db.prepare('INSERT INTO projects (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, at);
  }

  async createToken(token: TokenRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO tokens (id, project, scopes, secret_hash, description, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(token.id, token.project ?? null, token.scopes.join(','), token.secretHash, token.description ?? null, token.createdAt);
  }

  async findToken(id: string): Promise<TokenRecord | undefined> {
    const row = this.db.prepare('SELECT id, project, scopes, secret_hash, description, created_at FROM tokens WHERE id = ?').get(id) as
      | { id: string; project: string | null; scopes: string; secret_hash: string; description: string | null; created_at: string }
      | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      ...(row.project ? { project: row.project } : {}),
      scopes: row.scopes.split(',') as Scope[],
      secretHash: row.secret_hash,
      ...(row.description ? { description: row.description } : {}),
      createdAt: row.created_at,
    };
  }

  async saveImage(project: string, inventory: ImageInventory, match: Omit<MatchRecord, 'cause'>): Promise<{ image: ImageRecord; events: FindingEvent[] }> {
    const key = inventory.digest ?? `ref:${inventory.ref}`;
    const save = this.db.transaction(() => {
      const existing = this.db.prepare('SELECT id FROM images WHERE project = ? AND image_key = ?').get(project, key) as { id: string } | undefined;
      const values = [inventory.ref, inventory.digest ?? null, inventory.os ? JSON.stringify(inventory.os) : null, inventory.facts ? JSON.stringify(inventory.facts) : null, JSON.stringify(inventory), inventory.packages.length, match.at];
      if (existing) {
        this.db.prepare('UPDATE images SET ref = ?, digest = ?, os = ?, facts = ?, inventory = ?, package_count = ?, submitted_at = ? WHERE id = ?').run(...values, existing.id);
        return { id: existing.id, events: this.replaceFindings(existing.id, { ...match, cause: 'submit' }) };
      }
      const id = randomUUID();
      this.db
        .prepare('INSERT INTO images (id, project, image_key, ref, digest, os, facts, inventory, package_count, submitted_at, matched_at, db_built_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, project, key, ...values, match.at, match.dbBuiltAt);
      this.insertFindings(id, match.vulnerabilities);
      return { id, events: [] };
    });
    const { id, events } = save();
    return { image: this.image(id), events };
  }

  async recordMatch(imageId: string, match: MatchRecord): Promise<FindingEvent[]> {
    return this.db.transaction(() => this.replaceFindings(imageId, match))();
  }

  /** Inside a transaction: the diff against the stored findings becomes events, the new findings replace the old. */
  private replaceFindings(imageId: string, match: MatchRecord): FindingEvent[] {
    const before = this.findings('SELECT finding FROM findings WHERE image_id = ?', imageId);
    const { appeared, resolved } = diffFindings(before, match.vulnerabilities);
    this.db.prepare('DELETE FROM findings WHERE image_id = ?').run(imageId);
    this.insertFindings(imageId, match.vulnerabilities);
    this.db.prepare('UPDATE images SET matched_at = ?, db_built_at = ? WHERE id = ?').run(match.at, match.dbBuiltAt, imageId);
    const image = this.image(imageId);
    const events: FindingEvent[] = [
      ...appeared.map((vulnerability) => ({ kind: 'appeared' as const, vulnerability })),
      ...resolved.map((vulnerability) => ({ kind: 'resolved' as const, vulnerability })),
    ].map(({ kind, vulnerability }) => ({
      id: randomUUID(),
      project: image.project,
      image: { id: image.id, ref: image.ref, ...(image.digest ? { digest: image.digest } : {}) },
      kind,
      cause: match.cause,
      at: match.at,
      vulnerability,
    }));
    const insert = this.db.prepare('INSERT INTO events (id, project, image_id, kind, cause, at, vuln_id, package_id, finding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const e of events) insert.run(e.id, e.project, imageId, e.kind, e.cause, e.at, e.vulnerability.id, e.vulnerability.packageId, JSON.stringify(e.vulnerability));
    return events;
  }

  private insertFindings(imageId: string, vulnerabilities: readonly Vulnerability[]): void {
    const insert = this.db.prepare(
      'INSERT INTO findings (image_id, vuln_id, package_id, aliases, severity, priority, kev, finding) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (image_id, vuln_id, package_id) DO NOTHING',
    );
    for (const v of vulnerabilities) insert.run(imageId, v.id, v.packageId, ` ${v.aliases.join(' ')} `, v.severity, v.priority, v.kev ? 1 : 0, JSON.stringify(v));
  }

  private findings(sql: string, ...params: unknown[]): Vulnerability[] {
    return (this.db.prepare(sql).all(...params) as { finding: string }[]).map((r) => JSON.parse(r.finding) as Vulnerability);
  }

  private image(id: string): ImageRecord {
    return imageRecord(this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.id = ?`).get(id) as ImageRow);
  }

  async imageIds(): Promise<string[]> {
    return (this.db.prepare('SELECT id FROM images ORDER BY submitted_at, id').all() as { id: string }[]).map((r) => r.id);
  }

  async findImageByDigest(project: string, digest: string): Promise<ImageRecord | undefined> {
    const row = this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? AND i.digest = ? LIMIT 1`).get(project, digest) as ImageRow | undefined;
    return row ? imageRecord(row) : undefined;
  }

  async loadInventory(imageId: string): Promise<ImageInventory | undefined> {
    const row = this.db.prepare('SELECT inventory FROM images WHERE id = ?').get(imageId) as { inventory: string } | undefined;
    return row ? (JSON.parse(row.inventory) as ImageInventory) : undefined;
  }

  async listImages(project: string, limit: number): Promise<ImageSummary[]> {
    const rows = this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? ORDER BY i.submitted_at DESC, i.id LIMIT ?`).all(project, limit) as ImageRow[];
    const counts = this.db
      .prepare(`SELECT f.image_id, ${COUNT_COLUMNS} FROM findings f JOIN images i ON i.id = f.image_id WHERE i.project = ? GROUP BY f.image_id, f.severity, f.priority`)
      .all(project) as (CountRow & { image_id: string })[];
    return rows.map((row) => ({ ...imageRecord(row), packages: row.package_count, ...sumCounts(counts.filter((c) => c.image_id === row.id)) }));
  }

  async getImage(project: string, imageId: string): Promise<(ImageRecord & { vulnerabilities: Vulnerability[] }) | undefined> {
    const row = this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? AND i.id = ?`).get(project, imageId) as ImageRow | undefined;
    if (!row) return undefined;
    return { ...imageRecord(row), vulnerabilities: this.findings('SELECT finding FROM findings WHERE image_id = ? ORDER BY vuln_id, package_id', imageId) };
  }

  async findImage(project: string, by: { digest: string } | { refs: string[] }): Promise<(ImageRecord & { vulnerabilities: Vulnerability[] }) | undefined> {
    const [condition, params] = 'digest' in by ? ['i.digest = ?', [by.digest]] : [`i.ref IN (${by.refs.map(() => '?').join(', ') || 'NULL'})`, by.refs];
    const row = this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? AND ${condition} ORDER BY i.submitted_at DESC, i.id LIMIT 1`).get(project, ...params) as ImageRow | undefined;
    if (!row) return undefined;
    return { ...imageRecord(row), vulnerabilities: this.findings('SELECT finding FROM findings WHERE image_id = ? ORDER BY vuln_id, package_id', row.id) };
  }

  private imagesWhere(project: string, condition: string, params: unknown[], limit: number): { image: ImageRecord; vulnerabilities: Vulnerability[] }[] {
    const rows = this.db
      .prepare(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? AND EXISTS (SELECT 1 FROM findings f WHERE f.image_id = i.id AND ${condition}) ORDER BY i.submitted_at DESC, i.id LIMIT ?`)
      .all(project, ...params, limit) as ImageRow[];
    return rows.map((row) => ({
      image: imageRecord(row),
      vulnerabilities: this.findings(`SELECT f.finding FROM findings f WHERE f.image_id = ? AND ${condition} ORDER BY f.vuln_id, f.package_id`, row.id, ...params),
    }));
  }

  async imagesWithVulnerability(project: string, vulnId: string, limit: number): Promise<{ image: ImageRecord; vulnerabilities: Vulnerability[] }[]> {
    return this.imagesWhere(project, "(f.vuln_id = ? OR f.aliases LIKE ? ESCAPE '\\')", [vulnId, aliasPattern(vulnId)], limit);
  }

  async imagesWithKev(project: string, limit: number): Promise<{ image: ImageRecord; vulnerabilities: Vulnerability[] }[]> {
    return this.imagesWhere(project, 'f.kev = 1', [], limit);
  }

  async eventsSince(project: string, since: string, limit: number): Promise<FindingEvent[]> {
    const rows = this.db
      .prepare(
        `SELECT e.id, e.kind, e.cause, e.at, e.finding, i.id AS image_id, i.ref, i.digest FROM events e JOIN images i ON i.id = e.image_id
         WHERE e.project = ? AND e.at >= ? ORDER BY e.at, e.vuln_id, e.package_id, e.kind LIMIT ?`,
      )
      .all(project, since, limit) as { id: string; kind: FindingEvent['kind']; cause: FindingEvent['cause']; at: string; finding: string; image_id: string; ref: string; digest: string | null }[];
    return rows.map((r) => ({
      id: r.id,
      project,
      image: { id: r.image_id, ref: r.ref, ...(r.digest ? { digest: r.digest } : {}) },
      kind: r.kind,
      cause: r.cause,
      at: r.at,
      vulnerability: JSON.parse(r.finding) as Vulnerability,
    }));
  }

  async recordTrend(at: string, dbBuiltAt: string, changes: ReadonlyMap<string, { appeared: number; resolved: number }>): Promise<void> {
    this.db.transaction(() => {
      const projects = this.db.prepare('SELECT project, COUNT(*) AS images FROM images GROUP BY project ORDER BY project').all() as { project: string; images: number }[];
      const counts = this.db
        .prepare(`SELECT i.project, ${COUNT_COLUMNS} FROM findings f JOIN images i ON i.id = f.image_id GROUP BY i.project, f.severity, f.priority`)
        .all() as (CountRow & { project: string })[];
      const insert = this.db.prepare('INSERT INTO trend (id, project, at, db_built_at, images, appeared, resolved, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (const { project, images } of projects) {
        const changed = changes.get(project);
        const mine = sumCounts(counts.filter((c) => c.project === project));
        insert.run(randomUUID(), project, at, dbBuiltAt, images, changed?.appeared ?? 0, changed?.resolved ?? 0, JSON.stringify(mine));
      }
    })();
  }

  async trend(project: string, limit: number): Promise<TrendPoint[]> {
    const rows = this.db
      .prepare('SELECT at, db_built_at, images, appeared, resolved, counts FROM trend WHERE project = ? ORDER BY at DESC, id LIMIT ?')
      .all(project, limit) as { at: string; db_built_at: string; images: number; appeared: number; resolved: number; counts: string }[];
    return rows.reverse().map((r) => ({ at: r.at, dbBuiltAt: r.db_built_at, images: r.images, appeared: r.appeared, resolved: r.resolved, ...(JSON.parse(r.counts) as Counts) }));
  }

  async ping(): Promise<boolean> {
    return (this.db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
