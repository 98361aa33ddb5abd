// A Plimsoll server on a loopback port for the tests, over a database built offline from a private
// OSV feed of HAND-WRITTEN records (invented CVE-2099-… ids, clearly not real advisories) and a
// hand-written KEV catalog in CISA's layout, and the SBOM of a small hand-made inventory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OsvRecord } from '../../src/vulndb/index.js';
import { runDbUpdate } from '../../src/vulndb/index.js';
import { newToken } from '../../src/server/auth.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/serve.js';
import type { Scope } from '../../src/server/store.js';
import type { WebhookTarget } from '../../src/server/webhook.js';
import { toCycloneDx } from '../../src/report/cyclonedx.js';
import type { Package } from '../../src/model/package.js';

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

/** The hand-written KEV catalog: CVE-2099-0001 is "known exploited". */
const KEV = {
  title: 'HAND-WRITTEN test catalog in the layout of CISA Known Exploited Vulnerabilities',
  catalogVersion: '2099.01.01',
  dateReleased: '2099-01-01T00:00:00.000Z',
  count: 1,
  vulnerabilities: [
    {
      cveID: 'CVE-2099-0001',
      vendorProject: 'test',
      product: 'left-pad',
      vulnerabilityName: 'invented for the tests',
      dateAdded: '2099-01-01',
      shortDescription: marker,
      requiredAction: 'Apply updates per vendor instructions.',
      dueDate: '2099-01-22',
      knownRansomwareCampaignUse: 'Unknown',
      notes: '',
    },
  ],
};

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

export async function makeFixture(records: OsvRecord[]): Promise<Fixture> {
  const work = mkdtempSync(join(tmpdir(), 'plimsoll-server-'));
  const mirror = join(work, 'mirror');
  const feed = join(work, 'feed');
  const dbDir = join(work, 'db');
  mkdirSync(join(mirror, 'kev'), { recursive: true });
  writeFileSync(join(mirror, 'kev', 'known_exploited_vulnerabilities.json'), JSON.stringify(KEV));
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

export async function startTestServer(fixture: Fixture, webhooks: WebhookTarget[] = [], dbUpdateIntervalMs = 0, extra: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({
    ...extra,
    dataDir: join(fixture.work, 'data'),
    db: { dbDir: fixture.dbDir, mirror: fixture.mirror, sources: [`osv-dir:${fixture.feed}`], offline: true },
    host: '127.0.0.1',
    port: 0,
    dbUpdateIntervalMs,
    webhooks,
    logLevel: 'silent',
  });
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
  locations: [{ path: type === 'apk' ? 'lib/apk/db/installed' : `app/node_modules/${name}/package.json`, layer: { index: layer === LAYER0 ? 0 : 1, digest: layer } }],
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

export async function api(server: RunningServer, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

/** Polls a job until it finishes (bounded: 200 × 50 ms). */
export async function waitForJob(server: RunningServer, token: string, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const { body } = await api(server, 'GET', `/api/v1/admin/jobs/${id}`, token);
    const job = body.job as Record<string, unknown>;
    if (job.state === 'succeeded' || job.state === 'failed') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}
