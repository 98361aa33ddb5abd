// The server's schema, as numbered migrations applied in order and recorded in schema_migrations.
// Plain SQL that SQLite and PostgreSQL both accept: TEXT ids made by the server (no AUTOINCREMENT
// or SERIAL), ISO 8601 timestamps as TEXT (they sort as text), 0/1 INTEGER flags, JSON as TEXT.
// Never edit a migration once released: add the next one.
import type { SqlDatabase } from './sql.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'projects, tokens, images, findings, events',
    statements: [
      `CREATE TABLE projects (
        name TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        project TEXT REFERENCES projects (name),
        scopes TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        description TEXT,
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE images (
        id TEXT PRIMARY KEY,
        project TEXT NOT NULL REFERENCES projects (name),
        image_key TEXT NOT NULL,
        ref TEXT NOT NULL,
        digest TEXT,
        os TEXT,
        inventory TEXT NOT NULL,
        package_count INTEGER NOT NULL,
        submitted_at TEXT NOT NULL,
        matched_at TEXT NOT NULL,
        db_built_at TEXT NOT NULL,
        UNIQUE (project, image_key)
      )`,
      'CREATE INDEX images_digest ON images (digest)',
      `CREATE TABLE findings (
        image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        vuln_id TEXT NOT NULL,
        package_id TEXT NOT NULL,
        aliases TEXT NOT NULL,
        severity TEXT NOT NULL,
        kev INTEGER NOT NULL,
        finding TEXT NOT NULL,
        PRIMARY KEY (image_id, vuln_id, package_id)
      )`,
      'CREATE INDEX findings_vuln ON findings (vuln_id)',
      `CREATE TABLE events (
        id TEXT PRIMARY KEY,
        project TEXT NOT NULL REFERENCES projects (name),
        image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        cause TEXT NOT NULL,
        at TEXT NOT NULL,
        vuln_id TEXT NOT NULL,
        package_id TEXT NOT NULL,
        finding TEXT NOT NULL
      )`,
      'CREATE INDEX events_project_at ON events (project, at)',
    ],
  },
  {
    version: 2,
    name: 'image facts for the admission gate',
    statements: ['ALTER TABLE images ADD COLUMN facts TEXT'],
  },
  {
    version: 3,
    name: 'findings by priority; trend: counts per project after each rematch',
    statements: [
      'ALTER TABLE findings ADD COLUMN priority TEXT',
      // Findings stored before: their priority is in the finding's JSON, which JSON.stringify writes
      // without spaces; a quote inside a string value is escaped there, so only the key matches.
      `UPDATE findings SET priority = CASE
        WHEN finding LIKE '%"priority":"P1"%' THEN 'P1'
        WHEN finding LIKE '%"priority":"P2"%' THEN 'P2'
        WHEN finding LIKE '%"priority":"P3"%' THEN 'P3'
        ELSE 'P4' END`,
      `CREATE TABLE trend (
        id TEXT PRIMARY KEY,
        project TEXT NOT NULL REFERENCES projects (name),
        at TEXT NOT NULL,
        db_built_at TEXT NOT NULL,
        images INTEGER NOT NULL,
        appeared INTEGER NOT NULL,
        resolved INTEGER NOT NULL,
        counts TEXT NOT NULL
      )`,
      'CREATE INDEX trend_project_at ON trend (project, at)',
    ],
  },
  {
    version: 4,
    // The SQLite queue (sqlite-queue.ts); with PostgreSQL pg-boss keeps the jobs and this table stays empty.
    name: 'jobs of the in-process queue',
    statements: [
      `CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        run_after TEXT NOT NULL,
        coalesce_key TEXT,
        queued_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        result TEXT,
        error TEXT
      )`,
      'CREATE INDEX jobs_state_run_after ON jobs (state, run_after)',
      'CREATE INDEX jobs_kind_queued_at ON jobs (kind, queued_at)',
    ],
  },
];

/** Applies the migrations the database lacks, in one transaction, once however many processes start together. */
export async function migrate(db: SqlDatabase, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  await db.transaction(async (tx) => {
    await db.lockMigrations(tx);
    await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const row = await tx.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    const current = row?.v ?? 0;
    for (const migration of migrations.filter((m) => m.version > current)) {
      for (const sql of migration.statements) await tx.run(sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, new Date().toISOString()]);
    }
  });
}
