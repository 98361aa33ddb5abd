// Read access to a built database: the matcher's look-up and what `db status` reports. The
// file is opened read-only; an update renames a new file over it, and an open handle keeps
// reading the file it opened.
import Database from 'better-sqlite3';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, PlimsollError, errorMessage } from '../errors.js';
import { DB_FILE, SCHEMA_VERSION, normalizeName } from './schema.js';
import type { MavenArtifact } from '../model/maven.js';
import type { Advisory, CveEnrichment, DbStatus, EpssScore, KevEntry, NvdRecord, SourceStatus } from './types.js';
import type { ScanWarning } from '../model/warning.js';

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
  /** What NVD, CISA KEV and EPSS say about one CVE (empty when none of them knows it). */
  enrichment(cve: string): CveEnrichment;
  /** The same for many CVEs in one query (a scan's thousands), keyed by CVE; unknown ones are absent. */
  enrichments(cves: Iterable<string>): Map<string, CveEnrichment>;
  /** The NVD records whose configurations name this vendor and product as vulnerable. */
  nvdRecordsFor(vendor: string, product: string): NvdRecord[];
  /** The vendors whose CPEs name this product (for a package whose vendor is not known). */
  vendorsOf(product: string): string[];
  /** How many NVD records the database holds: how much CPE matching can know. */
  nvdRecordCount(): number;
  /** The Maven artifacts whose file has this SHA-1 (lower-case hex), from the repositories the database was built with. */
  mavenBySha1(sha1: string): MavenArtifact[];
  /** The score the build stored for a CVSS v4.0 vector its records carry: null when it does not compute, undefined when not stored. */
  storedCvss4Score(vector: string): number | null | undefined;
  status(options?: { maxAgeDays?: number; now?: Date }): DbStatus;
  close(): void;
}

/** [source id, advisory id, record JSON] */
type Row = [number, string, string];
/** [cve, NVD record JSON, KEV entry JSON, EPSS score, percentile, date] */
type EnrichmentRow = [string, string | null, string | null, number | null, number | null, string | null];

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
    throw new InputError(
      `${path}: database schema version ${meta.get('schema_version') ?? 'missing'}, this Plimsoll reads version ${SCHEMA_VERSION}; run 'plimsoll db update'`,
    );
  }

  // Rows come back as arrays: no join and no row objects, which halves the
  // cost of the matcher's thousands of look-ups. The primary key orders them by advisory.
  const byPackage = db
    .prepare('SELECT a.source_id, a.advisory_id, a.record FROM affected f JOIN advisories a ON a.id = f.advisory WHERE f.ecosystem = ? AND f.name = ?')
    .raw();
  const byId = db
    .prepare(
      'SELECT source_id, advisory_id, record FROM advisories WHERE advisory_id = @id OR id IN (SELECT advisory FROM aliases WHERE alias = @id) ORDER BY id',
    )
    .raw();
  const countByEcosystem = db.prepare('SELECT advisories FROM advisory_counts WHERE ecosystem = ?').pluck();
  const sources = db.prepare('SELECT name, ecosystem, url, records, last_modified AS lastModified, data_date AS dataDate FROM sources ORDER BY id');
  // One statement for the three sources and any number of CVEs: a scan asks about thousands.
  const enrichmentByCves = db
    .prepare(
      'SELECT j.value, n.record, k.entry, e.score, e.percentile, e.date FROM json_each(?) j LEFT JOIN nvd n ON n.cve = j.value LEFT JOIN kev k ON k.cve = j.value LEFT JOIN epss e ON e.cve = j.value',
    )
    .raw();
  const enrichments = (cves: Iterable<string>): Map<string, CveEnrichment> =>
    guard(() => {
      const out = new Map<string, CveEnrichment>();
      for (const row of enrichmentByCves.all(JSON.stringify([...new Set(cves)])) as EnrichmentRow[]) {
        const [cve, nvd, kev, score, percentile, date] = row;
        const found: CveEnrichment = {
          ...(nvd ? { nvd: JSON.parse(nvd) as NvdRecord } : {}),
          ...(kev ? { kev: JSON.parse(kev) as KevEntry } : {}),
          ...(score !== null && percentile !== null && date !== null ? { epss: { cve, score, percentile, date } satisfies EpssScore } : {}),
        };
        if (found.nvd || found.kev || found.epss) out.set(cve, found);
      }
      return out;
    });
  const nvdByProduct = db
    .prepare('SELECT n.record FROM cpe_products p JOIN nvd n ON n.cve = p.cve WHERE p.vendor = ? AND p.product = ? ORDER BY p.cve')
    .pluck();
  const vendorsByProduct = db.prepare('SELECT DISTINCT vendor FROM cpe_products WHERE product = ? ORDER BY vendor').pluck();
  const nvdCount = db.prepare('SELECT count(*) FROM nvd').pluck();
  const mavenBySha1 = db.prepare(
    'SELECT group_id AS groupId, artifact_id AS artifactId, version FROM maven_sha1 WHERE sha1 = ? ORDER BY group_id, artifact_id, version',
  );
  const cvss4 = db.prepare('SELECT score FROM cvss4_scores WHERE vector = ?').pluck();
  let sourceNames: Map<number, string>;
  try {
    sourceNames = new Map(db.prepare('SELECT id, name FROM sources').raw().all() as [number, string][]);
  } catch (err) {
    db.close();
    throw unreadable(path, err);
  }

  const guard = <T>(run: () => T): T => {
    try {
      return run();
    } catch (err) {
      throw isSqliteError(err) ? unreadable(path, err) : err;
    }
  };
  const query = (run: () => Row[]): Advisory[] => toAdvisories(guard(run), sourceNames);

  return {
    path,
    schemaVersion,
    builtAt,
    advisoriesFor: (ecosystem, name) => query(() => byPackage.all(ecosystem, normalizeName(ecosystem, name)) as Row[]),
    advisoriesById: (id) => query(() => byId.all({ id }) as Row[]),
    advisoryCount: (ecosystem) => guard(() => (countByEcosystem.get(ecosystem) as number | undefined) ?? 0),
    enrichment: (cve) => enrichments([cve]).get(cve) ?? {},
    enrichments,
    nvdRecordsFor: (vendor, product) => guard(() => (nvdByProduct.all(vendor, product) as string[]).map((r) => JSON.parse(r) as NvdRecord)),
    vendorsOf: (product) => guard(() => vendorsByProduct.all(product) as string[]),
    nvdRecordCount: () => guard(() => nvdCount.get() as number),
    mavenBySha1: (sha1) => guard(() => mavenBySha1.all(sha1) as MavenArtifact[]),
    storedCvss4Score: (vector) => guard(() => cvss4.get(vector) as number | null | undefined),
    status(options = {}) {
      const rows = guard(() => sources.all() as SourceStatus[]);
      return describeStatus(path, schemaVersion, builtAt, rows, options);
    },
    close: () => db.close(),
  };
}

/** The NVD terms of use ask every product that uses its API data to say so. */
export const NVD_NOTICE = 'This product uses data from the NVD API but is not endorsed or certified by the NVD.';
/** How many stale sources the warning names before it says "and N more". */
const STALE_NAMED = 5;

/**
 * Age of the build and of the data: a database built today from a two-year-old mirror is stale,
 * so every source whose data date is older than the limit is named.
 */
export function describeStatus(
  path: string,
  schemaVersion: number,
  builtAt: string,
  sources: SourceStatus[],
  options: { maxAgeDays?: number; now?: Date },
): DbStatus {
  const now = options.now ?? new Date();
  const maxAgeDays = options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  const days = (iso: string): number => Math.floor((now.getTime() - Date.parse(iso)) / DAY_MS);
  const ageDays = days(builtAt);
  const warnings: ScanWarning[] = [];
  const warn = (message: string): void => void warnings.push({ message, source: 'vulndb' });
  if (now.getTime() - Date.parse(builtAt) > maxAgeDays * DAY_MS)
    warn(`vulnerability database is ${ageDays} days old (built ${builtAt}); run 'plimsoll db update'`);
  const dated = sources.filter((s): s is SourceStatus & { dataDate: string } => s.dataDate !== null);
  // Data dates are ISO 8601 in UTC (data-date.ts), so code-unit order is time order; localeCompare would
  // also load ICU's collation tables, a cost every scan paid here.
  const stale = dated
    .filter((s) => now.getTime() - Date.parse(s.dataDate) > maxAgeDays * DAY_MS)
    .sort((a, b) => (a.dataDate < b.dataDate ? -1 : a.dataDate > b.dataDate ? 1 : 0));
  if (stale.length > 0) {
    const named = stale.slice(0, STALE_NAMED).map((s) => `${s.name} (${s.dataDate.slice(0, 10)}, ${days(s.dataDate)} days)`);
    const more = stale.length > STALE_NAMED ? ` and ${stale.length - STALE_NAMED} more` : '';
    warn(`${stale.length} of ${sources.length} sources hold data older than ${maxAgeDays} days: ${named.join(', ')}${more}; update the feeds or the mirror`);
  }
  const dataDate =
    dated
      .map((s) => s.dataDate)
      .sort()
      .at(-1) ?? null;
  const notices = sources.some((s) => s.name.startsWith('nvd')) ? [NVD_NOTICE] : [];
  return { path, schemaVersion, builtAt, ageDays, dataDate, dataAgeDays: dataDate ? days(dataDate) : null, sources, warnings, notices };
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
    throw new InputError(
      `${path}: truncated or damaged database (${size} bytes, header says ${pages * pageSize}); run 'plimsoll db update' or 'plimsoll db import'`,
    );
  }
}
