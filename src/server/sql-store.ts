// The Store over SQL: the same statements on SQLite and PostgreSQL (sql.ts holds what differs).
import { randomUUID } from 'node:crypto';
import { PlimsollError, errorMessage } from '../errors.js';
import type { OsInfo } from '../model/os.js';
import { countByPriority } from '../match/priority.js';
import type { Priority, Vulnerability } from '../match/types.js';
import { countBySeverity } from '../model/severity.js';
import type { Severity } from '../model/finding.js';
import { migrate } from './migrations.js';
import { openPostgres } from './postgres-store.js';
import { openSqlite } from './sqlite-store.js';
import { INSERT_BATCH, valuesList, type SqlDatabase, type SqlExecutor, type SqlParam } from './sql.js';
import {
  diffFindings,
  type FindingEvent,
  type ImageFacts,
  type ImageInventory,
  type ImageRecord,
  type ImageSummary,
  type MatchRecord,
  type Scope,
  type Store,
  type TokenRecord,
  type TrendPoint,
} from './store.js';

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

// COUNT and SUM of an INTEGER are bigint on PostgreSQL: its driver reads them as numbers.
const COUNT_COLUMNS = 'f.severity, f.priority, COUNT(*) AS n, SUM(f.kev) AS kev';

/** `LIKE` pattern for one id in the space-delimited alias list. */
function aliasPattern(id: string): string {
  return `% ${id.replace(/[\\%_]/g, (c) => `\\${c}`)} %`;
}

/** Inserts rows in multi-row statements (one round trip per batch on PostgreSQL). */
async function insertRows(tx: SqlExecutor, head: string, columns: number, rows: readonly SqlParam[][], tail = ''): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const batch = rows.slice(i, i + INSERT_BATCH);
    await tx.run(`${head} VALUES ${valuesList(batch.length, columns)}${tail}`, batch.flat());
  }
}

async function findings(tx: SqlExecutor, sql: string, params: readonly SqlParam[]): Promise<Vulnerability[]> {
  return (await tx.all<{ finding: string }>(sql, params)).map((r) => JSON.parse(r.finding) as Vulnerability);
}

export class SqlStore implements Store {
  /** The database itself: the SQLite job queue keeps its jobs there too. */
  private constructor(readonly db: SqlDatabase) {}

  /** The store on an open database, its migrations applied. */
  static async open(db: SqlDatabase): Promise<SqlStore> {
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      // A role without CREATE on the schema, a foreign table of the same name: one line, not a stack.
      throw new PlimsollError(`the ${db.dialect === 'postgres' ? 'PostgreSQL database' : 'SQLite store'} could not be set up: ${errorMessage(err)}`);
    }
    return new SqlStore(db);
  }

  get dialect(): SqlDatabase['dialect'] {
    return this.db.dialect;
  }

  async ensureProject(name: string, at: string): Promise<void> {
    await this.db.run('INSERT INTO projects (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, at]);
  }

  async createToken(token: TokenRecord): Promise<void> {
    await this.db.run('INSERT INTO tokens (id, project, scopes, secret_hash, description, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      token.id,
      token.project ?? null,
      token.scopes.join(','),
      token.secretHash,
      token.description ?? null,
      token.createdAt,
    ]);
  }

  async findToken(id: string): Promise<TokenRecord | undefined> {
    const row = await this.db.get<{ id: string; project: string | null; scopes: string; secret_hash: string; description: string | null; created_at: string }>(
      'SELECT id, project, scopes, secret_hash, description, created_at FROM tokens WHERE id = ?',
      [id],
    );
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
    const values: SqlParam[] = [
      inventory.ref,
      inventory.digest ?? null,
      inventory.os ? JSON.stringify(inventory.os) : null,
      inventory.facts ? JSON.stringify(inventory.facts) : null,
      JSON.stringify(inventory),
      inventory.packages.length,
      match.at,
    ];
    const { id, events } = await this.db.transaction(async (tx) => {
      // ON CONFLICT, so two first submissions of one image at once store one image: the later waits, then updates.
      const inserted = await tx.get<{ id: string }>(
        'INSERT INTO images (id, project, image_key, ref, digest, os, facts, inventory, package_count, submitted_at, matched_at, db_built_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project, image_key) DO NOTHING RETURNING id',
        [randomUUID(), project, key, ...values, match.at, match.dbBuiltAt],
      );
      if (inserted) {
        await this.insertFindings(tx, inserted.id, match.vulnerabilities);
        return { id: inserted.id, events: [] };
      }
      const existing = (await tx.get<{ id: string }>('SELECT id FROM images WHERE project = ? AND image_key = ?', [project, key])) as { id: string };
      await tx.run('UPDATE images SET ref = ?, digest = ?, os = ?, facts = ?, inventory = ?, package_count = ?, submitted_at = ? WHERE id = ?', [
        ...values,
        existing.id,
      ]);
      return { id: existing.id, events: await this.replaceFindings(tx, existing.id, { ...match, cause: 'submit' }) };
    });
    return { image: await this.image(this.db, id), events };
  }

  async recordMatch(imageId: string, match: MatchRecord): Promise<FindingEvent[]> {
    return this.db.transaction((tx) => this.replaceFindings(tx, imageId, match));
  }

  /**
   * Inside a transaction: the diff against the stored findings becomes events, the new findings
   * replace the old. The image row is written first, so its lock makes a second match of the same
   * image (another worker's rematch) wait and diff against this one's result: no event twice.
   */
  private async replaceFindings(tx: SqlExecutor, imageId: string, match: MatchRecord): Promise<FindingEvent[]> {
    await tx.run('UPDATE images SET matched_at = ?, db_built_at = ? WHERE id = ?', [match.at, match.dbBuiltAt, imageId]);
    const before = await findings(tx, 'SELECT finding FROM findings WHERE image_id = ?', [imageId]);
    const { appeared, resolved } = diffFindings(before, match.vulnerabilities);
    // Replaced even when none appeared or was resolved: a finding's severity, fix or KEV entry may have changed.
    await tx.run('DELETE FROM findings WHERE image_id = ?', [imageId]);
    await this.insertFindings(tx, imageId, match.vulnerabilities);
    const image = await this.image(tx, imageId);
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
    await insertRows(
      tx,
      'INSERT INTO events (id, project, image_id, kind, cause, at, vuln_id, package_id, finding)',
      9,
      events.map((e) => [e.id, e.project, imageId, e.kind, e.cause, e.at, e.vulnerability.id, e.vulnerability.packageId, JSON.stringify(e.vulnerability)]),
    );
    return events;
  }

  private async insertFindings(tx: SqlExecutor, imageId: string, vulnerabilities: readonly Vulnerability[]): Promise<void> {
    await insertRows(
      tx,
      'INSERT INTO findings (image_id, vuln_id, package_id, aliases, severity, priority, kev, finding)',
      8,
      vulnerabilities.map((v) => [imageId, v.id, v.packageId, ` ${v.aliases.join(' ')} `, v.severity, v.priority, v.kev ? 1 : 0, JSON.stringify(v)]),
      ' ON CONFLICT (image_id, vuln_id, package_id) DO NOTHING',
    );
  }

  private async image(tx: SqlExecutor, id: string): Promise<ImageRecord> {
    return imageRecord((await tx.get<ImageRow>(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.id = ?`, [id])) as ImageRow);
  }

  async imageIds(): Promise<string[]> {
    return (await this.db.all<{ id: string }>('SELECT id FROM images ORDER BY submitted_at, id')).map((r) => r.id);
  }

  async findImageByDigest(project: string, digest: string): Promise<ImageRecord | undefined> {
    const row = await this.db.get<ImageRow>(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? AND i.digest = ? LIMIT 1`, [project, digest]);
    return row ? imageRecord(row) : undefined;
  }

  async loadInventory(imageId: string): Promise<ImageInventory | undefined> {
    const row = await this.db.get<{ inventory: string }>('SELECT inventory FROM images WHERE id = ?', [imageId]);
    return row ? (JSON.parse(row.inventory) as ImageInventory) : undefined;
  }

  async listImages(project: string, limit: number): Promise<ImageSummary[]> {
    const rows = await this.db.all<ImageRow>(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? ORDER BY i.submitted_at DESC, i.id LIMIT ?`, [
      project,
      limit,
    ]);
    const counts = await this.db.all<CountRow & { image_id: string }>(
      `SELECT f.image_id, ${COUNT_COLUMNS} FROM findings f JOIN images i ON i.id = f.image_id WHERE i.project = ? GROUP BY f.image_id, f.severity, f.priority`,
      [project],
    );
    return rows.map((row) => ({ ...imageRecord(row), packages: row.package_count, ...sumCounts(counts.filter((c) => c.image_id === row.id)) }));
  }

  async getImage(project: string, imageId: string): Promise<(ImageRecord & { vulnerabilities: Vulnerability[] }) | undefined> {
    const row = await this.db.get<ImageRow>(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? AND i.id = ?`, [project, imageId]);
    if (!row) return undefined;
    return {
      ...imageRecord(row),
      vulnerabilities: await findings(this.db, 'SELECT finding FROM findings WHERE image_id = ? ORDER BY vuln_id, package_id', [imageId]),
    };
  }

  async findImage(project: string, by: { digest: string } | { refs: string[] }): Promise<(ImageRecord & { vulnerabilities: Vulnerability[] }) | undefined> {
    const [condition, params] = 'digest' in by ? ['i.digest = ?', [by.digest]] : [`i.ref IN (${by.refs.map(() => '?').join(', ') || 'NULL'})`, by.refs];
    const row = await this.db.get<ImageRow>(
      `SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? AND ${condition} ORDER BY i.submitted_at DESC, i.id LIMIT 1`,
      [project, ...params],
    );
    if (!row) return undefined;
    return {
      ...imageRecord(row),
      vulnerabilities: await findings(this.db, 'SELECT finding FROM findings WHERE image_id = ? ORDER BY vuln_id, package_id', [row.id]),
    };
  }

  private async imagesWhere(
    project: string,
    condition: string,
    params: SqlParam[],
    limit: number,
  ): Promise<{ image: ImageRecord; vulnerabilities: Vulnerability[] }[]> {
    const rows = await this.db.all<ImageRow>(
      `SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.project = ? AND EXISTS (SELECT 1 FROM findings f WHERE f.image_id = i.id AND ${condition}) ORDER BY i.submitted_at DESC, i.id LIMIT ?`,
      [project, ...params, limit],
    );
    return Promise.all(
      rows.map(async (row) => ({
        image: imageRecord(row),
        vulnerabilities: await findings(this.db, `SELECT f.finding FROM findings f WHERE f.image_id = ? AND ${condition} ORDER BY f.vuln_id, f.package_id`, [
          row.id,
          ...params,
        ]),
      })),
    );
  }

  async imagesWithVulnerability(project: string, vulnId: string, limit: number): Promise<{ image: ImageRecord; vulnerabilities: Vulnerability[] }[]> {
    return this.imagesWhere(project, "(f.vuln_id = ? OR f.aliases LIKE ? ESCAPE '\\')", [vulnId, aliasPattern(vulnId)], limit);
  }

  async imagesWithKev(project: string, limit: number): Promise<{ image: ImageRecord; vulnerabilities: Vulnerability[] }[]> {
    return this.imagesWhere(project, 'f.kev = 1', [], limit);
  }

  async eventsSince(project: string, since: string, limit: number): Promise<FindingEvent[]> {
    const rows = await this.db.all<{
      id: string;
      kind: FindingEvent['kind'];
      cause: FindingEvent['cause'];
      at: string;
      finding: string;
      image_id: string;
      ref: string;
      digest: string | null;
    }>(
      `SELECT e.id, e.kind, e.cause, e.at, e.finding, i.id AS image_id, i.ref, i.digest FROM events e JOIN images i ON i.id = e.image_id
       WHERE e.project = ? AND e.at >= ? ORDER BY e.at, e.vuln_id, e.package_id, e.kind LIMIT ?`,
      [project, since, limit],
    );
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
    await this.db.transaction(async (tx) => {
      const projects = await tx.all<{ project: string; images: number }>('SELECT project, COUNT(*) AS images FROM images GROUP BY project ORDER BY project');
      const counts = await tx.all<CountRow & { project: string }>(
        `SELECT i.project, ${COUNT_COLUMNS} FROM findings f JOIN images i ON i.id = f.image_id GROUP BY i.project, f.severity, f.priority`,
      );
      await insertRows(
        tx,
        'INSERT INTO trend (id, project, at, db_built_at, images, appeared, resolved, counts)',
        8,
        projects.map(({ project, images }) => {
          const changed = changes.get(project);
          const mine = sumCounts(counts.filter((c) => c.project === project));
          return [randomUUID(), project, at, dbBuiltAt, images, changed?.appeared ?? 0, changed?.resolved ?? 0, JSON.stringify(mine)];
        }),
      );
    });
  }

  async trend(project: string, limit: number): Promise<TrendPoint[]> {
    const rows = await this.db.all<{ at: string; db_built_at: string; images: number; appeared: number; resolved: number; counts: string }>(
      'SELECT at, db_built_at, images, appeared, resolved, counts FROM trend WHERE project = ? ORDER BY at DESC, id LIMIT ?',
      [project, limit],
    );
    return rows
      .reverse()
      .map((r) => ({ at: r.at, dbBuiltAt: r.db_built_at, images: r.images, appeared: r.appeared, resolved: r.resolved, ...(JSON.parse(r.counts) as Counts) }));
  }

  async ping(): Promise<boolean> {
    return (await this.db.get<{ ok: number }>('SELECT 1 AS ok'))?.ok === 1;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** Where the server keeps its data: a PostgreSQL database (postgres:// URL), or SQLite in a directory. */
export type StoreLocation = { database: string } | { dataDir: string };

export async function openStore(location: StoreLocation, onConnectionError?: (err: Error) => void): Promise<SqlStore> {
  return SqlStore.open('database' in location ? await openPostgres(location.database, onConnectionError) : openSqlite(location.dataDir));
}
