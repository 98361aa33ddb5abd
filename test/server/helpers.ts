// A Plimsoll server on a loopback port for the tests, over a database built offline from a private
// OSV feed of HAND-WRITTEN records (invented CVE-2099-… ids, clearly not real advisories) and a
// hand-written KEV catalog in CISA's layout, and the SBOM of a small hand-made inventory.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { OsvRecord } from '../../src/vulndb/index.js';
import { runDbUpdate } from '../../src/vulndb/index.js';
import { newToken } from '../../src/server/auth.js';
import type { Job, JobQueue } from '../../src/server/jobs.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/serve.js';
import { readSbom } from '../../src/server/sbom.js';
import { STORE_FILE } from '../../src/server/sqlite-store.js';
import type { Scope } from '../../src/server/store.js';
import type { WebhookTarget } from '../../src/server/webhook.js';
import { toCycloneDx } from '../../src/report/cyclonedx.js';
import type { Package } from '../../src/model/package.js';
import pg from 'pg';
import { CLI } from '../helpers/cli.js';

export const LAYER0 = `sha256:${'a'.repeat(64)}`;
export const LAYER1 = `sha256:${'b'.repeat(64)}`;

const marker = 'HAND-WRITTEN TEST RECORD for the Plimsoll server tests; not a real advisory';

/** An npm advisory: `name` below `fixed` is affected. */
export function npmRecord(id: string, name: string, fixed: string): OsvRecord {
  return {
    id,
    modified: '2099-01-01T00:00:00Z',
    summary: `${marker}: ${name} before ${fixed}`,
    affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] }],
  } as OsvRecord;
}

/** An Alpine 3.10 advisory on the origin (source) package `name`. */
export function alpineRecord(id: string, name: string, fixed: string): OsvRecord {
  return {
    id,
    modified: '2099-01-01T00:00:00Z',
    summary: `${marker}: ${name} before ${fixed}`,
    affected: [{ package: { ecosystem: 'Alpine:v3.10', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  } as OsvRecord;
}

/** A HAND-WRITTEN catalog in the layout of CISA's KEV listing one invented CVE as "known exploited". */
export function handWrittenKev(cveID: string, product: string, note: string): object {
  return {
    title: 'HAND-WRITTEN test catalog in the layout of CISA Known Exploited Vulnerabilities',
    catalogVersion: '2099.01.01',
    dateReleased: '2099-01-01T00:00:00.000Z',
    count: 1,
    vulnerabilities: [
      {
        cveID,
        vendorProject: 'test',
        product,
        vulnerabilityName: 'invented for the tests',
        dateAdded: '2099-01-01',
        shortDescription: note,
        requiredAction: 'Apply updates per vendor instructions.',
        dueDate: '2099-01-22',
        knownRansomwareCampaignUse: 'Unknown',
        notes: '',
      },
    ],
  };
}

/** CVE-2099-0001 is "known exploited". */
const KEV = handWrittenKev('CVE-2099-0001', 'left-pad', marker);

export interface Fixture {
  work: string;
  dbDir: string;
  mirror: string;
  feed: string;
  /** Replaces the private feed's records. */
  writeFeed(records: OsvRecord[]): void;
  /** Rebuilds the database from the mirror and the feed. */
  rebuild(): Promise<void>;
  remove(): void;
}

/** The hand-written KEV catalog, alone in the mirror: the default layout of a fixture's mirror. */
function kevOnly(mirror: string): void {
  mkdirSync(join(mirror, 'kev'), { recursive: true });
  writeFileSync(join(mirror, 'kev', 'known_exploited_vulnerabilities.json'), JSON.stringify(KEV));
}

/** A database built from a mirror laid out by `layout` and a private feed holding `records`. */
export async function makeFixture(records: OsvRecord[], layout: (mirror: string) => void = kevOnly): Promise<Fixture> {
  const work = mkdtempSync(join(tmpdir(), 'plimsoll-server-'));
  const mirror = join(work, 'mirror');
  const feed = join(work, 'feed');
  const dbDir = join(work, 'db');
  mkdirSync(mirror);
  layout(mirror);
  const fixture: Fixture = {
    work,
    dbDir,
    mirror,
    feed,
    writeFeed(list) {
      rmSync(feed, { recursive: true, force: true });
      mkdirSync(feed);
      for (const r of list) writeFileSync(join(feed, `${r.id}.json`), JSON.stringify(r));
    },
    rebuild: async () => {
      await runDbUpdate({ dbDir, mirror, sources: [`osv-dir:${feed}`], offline: true, quiet: true });
    },
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
  fixture.writeFeed(records);
  await fixture.rebuild();
  return fixture;
}

/** The stores the server tests run against: PostgreSQL's tier is skipped, by name, without PLIMSOLL_TEST_POSTGRES. */
export type StoreKind = 'sqlite' | 'postgres';
export const STORE_TIERS: { store: StoreKind; skip?: string }[] = [
  { store: 'sqlite' },
  {
    store: 'postgres',
    ...(process.env.PLIMSOLL_TEST_POSTGRES
      ? {}
      : { skip: 'PLIMSOLL_TEST_POSTGRES is not set: a postgres:// URL of a role that may create databases (.ci/run sets it)' }),
  },
];

/**
 * A suite per store. A store that cannot be tested here is one skipped test named for it, so the run's
 * summary counts it (node counts a skipped suite nowhere).
 */
export function describeStores(name: string, body: (store: StoreKind) => void, stores: readonly StoreKind[] = ['sqlite', 'postgres']): void {
  for (const { store, skip } of STORE_TIERS.filter((t) => stores.includes(t.store))) {
    if (skip) it(`${name} (${store} store)`, { skip }, () => undefined);
    else describe(`${name} (${store} store)`, () => body(store));
  }
}

/** A new, empty PostgreSQL database for one server (tests run side by side), dropped by `drop`. */
export async function freshPostgresDatabase(base = process.env.PLIMSOLL_TEST_POSTGRES as string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `plimsoll_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface TestServer extends RunningServer {
  /** Stops the server as SIGTERM does, keeping its store; `close` then also drops a PostgreSQL database. */
  stop(): Promise<void>;
  /** The CLI flags that name this server's store. */
  storeArgs: string[];
  /** Everything the store holds, as text: the SQLite file and its log, or every row of every PostgreSQL table. */
  storeText(): Promise<string>;
}

async function postgresText(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")).rows;
    const rows: string[] = [];
    for (const t of tables) rows.push(...(await client.query<{ row: string }>(`SELECT t::text AS row FROM "${t.name}" t`)).rows.map((r) => r.row));
    return rows.join('\n');
  } finally {
    await client.end();
  }
}

/** A server on a loopback port over the fixture: SQLite unless `store` says otherwise; `more` sets any other option. */
export async function startTestServer(
  fixture: Fixture,
  webhooks: WebhookTarget[] = [],
  dbUpdateIntervalMs = 0,
  { store = 'sqlite', ...more }: Partial<ServerOptions> & { store?: StoreKind } = {},
): Promise<TestServer> {
  const postgres = store === 'postgres' ? await freshPostgresDatabase() : undefined;
  const dataDir = more.dataDir ?? join(fixture.work, 'data');
  const running = await startServer({
    dataDir,
    ...(postgres ? { database: postgres.url } : {}),
    workers: 1,
    db: { dbDir: fixture.dbDir, mirror: fixture.mirror, sources: [`osv-dir:${fixture.feed}`], offline: true },
    host: '127.0.0.1',
    port: 0,
    dbUpdateIntervalMs,
    webhooks,
    logLevel: 'silent',
    ...more,
  });
  return {
    ...running,
    stop: () => running.close(),
    storeArgs: postgres ? ['--database', postgres.url] : ['--data-dir', dataDir],
    storeText: async () =>
      postgres ? postgresText(postgres.url) : ['', '-wal'].map((suffix) => readFileSync(join(dataDir, `${STORE_FILE}${suffix}`)).toString('latin1')).join(''),
    close: async () => {
      await running.close();
      await postgres?.drop();
    },
  };
}

export async function createToken(server: RunningServer, project: string | undefined, scopes: Scope[]): Promise<string> {
  const { token, record } = newToken({ ...(project ? { project } : {}), scopes });
  if (project) await server.ctx.store.ensureProject(project, record.createdAt);
  await server.ctx.store.createToken(record);
  return token;
}

const pkg = (name: string, version: string, type: 'npm' | 'apk', layer: string, extra: Partial<Package> = {}): Package => ({
  id: `${type}:${name}@${version}:${type === 'apk' ? 'lib/apk/db/installed' : `app/node_modules/${name}/package.json`}`,
  name,
  version,
  type,
  purl: type === 'apk' ? `pkg:apk/alpine/${name}@${version}?arch=x86_64&distro=alpine-3.10.9` : `pkg:npm/${name}@${version}`,
  locations: [
    { path: type === 'apk' ? 'lib/apk/db/installed' : `app/node_modules/${name}/package.json`, layer: { index: layer === LAYER0 ? 0 : 1, digest: layer } },
  ],
  ...extra,
});

/** The SBOM `plimsoll sbom` would write for a two-layer Alpine 3.10 image with musl and two npm packages. */
export function sampleSbom(ref = 'registry.example/app:1.0', digest = `sha256:${'c'.repeat(64)}`): Record<string, unknown> {
  return toCycloneDx({
    artifact: { ref, digest, layers: [LAYER0, LAYER1] },
    os: { family: 'alpine', version: '3.10.9' },
    packages: [
      pkg('musl', '1.1.22-r3', 'apk', LAYER0, { source: { name: 'musl', version: '1.1.22-r3' }, arch: 'x86_64' }),
      pkg('left-pad', '1.1.0', 'npm', LAYER1),
      pkg('is-odd', '2.0.0', 'npm', LAYER1, { metadata: { dev: true } }),
    ],
    warnings: [],
  });
}

export async function api(
  server: RunningServer,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

/** Polls a job through the API until it finishes (bounded: 400 × 50 ms; a retried job waits out its backoff). */
export async function waitForJob(server: RunningServer, token: string, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 400; i++) {
    const { body } = await api(server, 'GET', `/api/v1/admin/jobs/${id}`, token);
    const job = body.job as Record<string, unknown>;
    if (job.state === 'succeeded' || job.state === 'failed') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Stores `count` images (the sample SBOM under distinct digests) through the store, matched as a submission would be. */
export async function storeImages(server: RunningServer, project: string, count: number): Promise<string[]> {
  await server.ctx.store.ensureProject(project, new Date().toISOString());
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const inventory = readSbom(sampleSbom(`registry.example/fleet-${i}:1.0`, `sha256:${i.toString(16).padStart(64, '0')}`));
    const match = server.ctx.database.match(inventory);
    if (!match) throw new Error('no vulnerability database');
    ids.push(
      (
        await server.ctx.store.saveImage(project, inventory, {
          vulnerabilities: match.vulnerabilities,
          at: new Date().toISOString(),
          dbBuiltAt: match.dbBuiltAt,
        })
      ).image.id,
    );
  }
  return ids;
}

/** `plimsoll worker` as its own process, taking jobs from `database` with the fixture's vulnerability database. */
export function spawnWorker(database: string, fixture: Fixture): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'worker',
      '--database',
      database,
      '--db-dir',
      fixture.dbDir,
      '--mirror',
      fixture.mirror,
      '--source',
      `osv-dir:${fixture.feed}`,
      '--offline',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** Polls a job through the queue until it has finished (succeeded, or failed out of retries), or `timeoutMs` passed. */
export async function jobFinished(queue: JobQueue, id: string, timeoutMs: number): Promise<Job> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.get(id);
    if (!job) throw new Error(`job ${id} not found`);
    if (job.state === 'succeeded' || job.state === 'failed' || Date.now() > until) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits (at most `timeoutMs`) until no job is queued or running. */
export async function queueSettled(queue: JobQueue, timeoutMs: number): Promise<void> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    const counts = Object.values(await queue.counts());
    if (counts.every((c) => c.queued + c.running === 0)) return;
  }
}
