// The store's trend and priority counts, on each store: one point per project after each rematch,
// with that project's counts only; and migration 3, which gives findings stored before it their priority.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { Priority, Vulnerability } from '../../src/match/types.js';
import type { Severity } from '../../src/model/finding.js';
import { MIGRATIONS } from '../../src/server/migrations.js';
import { openPostgres } from '../../src/server/postgres-store.js';
import { openStore, type StoreLocation } from '../../src/server/sql-store.js';
import type { SqlDatabase } from '../../src/server/sql.js';
import { openSqlite } from '../../src/server/sqlite-store.js';
import { describeStores, freshPostgresDatabase, type StoreKind } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'plimsoll-trend-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A HAND-MADE finding: only the fields the store and the counts read matter. */
function finding(id: string, severity: Severity, priority: Priority, extra: Partial<Vulnerability> = {}): Vulnerability {
  return {
    id,
    aliases: [],
    packageId: `npm:${id}`,
    packageName: 'left-pad',
    packageType: 'npm',
    purl: 'pkg:npm/left-pad@1.0.0',
    installedVersion: '1.0.0',
    status: 'fixed',
    severity,
    severitySource: 'none',
    severityReason: 'hand-made',
    cvss: [],
    priority,
    priorityReason: 'hand-made',
    matchedBy: 'ecosystem',
    dataSource: 'test',
    dataSources: ['test'],
    references: [],
    ...extra,
  };
}

const image = (ref: string) => ({ ref, layers: [], packages: [] });

/** A new, empty store location of this kind; the PostgreSQL database is dropped after the tests. */
async function freshLocation(store: StoreKind, name: string): Promise<StoreLocation> {
  if (store === 'sqlite') return { dataDir: join(work, name) };
  const db = await freshPostgresDatabase();
  after(() => db.drop());
  return { database: db.url };
}

describeStores('trend points', (kind) => {
  it("record each project's own counts after a rematch, newest `limit` returned oldest first", async () => {
    const store = await openStore(await freshLocation(kind, 'trend'));
    const at = '2099-01-01T00:00:00.000Z';
    for (const p of ['a', 'b', 'empty']) await store.ensureProject(p, at);
    await store.saveImage('a', image('a/one:1'), {
      vulnerabilities: [
        finding('CVE-2099-0001', 'CRITICAL', 'P1', {
          kev: { dateAdded: '2099-01-01', dueDate: '2099-01-22', knownRansomwareCampaignUse: 'Unknown', requiredAction: 'x' },
        }),
        finding('CVE-2099-0002', 'LOW', 'P4'),
      ],
      at,
      dbBuiltAt: at,
    });
    await store.saveImage('a', image('a/two:1'), { vulnerabilities: [finding('CVE-2099-0002', 'LOW', 'P4')], at, dbBuiltAt: at });
    await store.saveImage('b', image('b/one:1'), { vulnerabilities: [finding('CVE-2099-0003', 'HIGH', 'P3')], at, dbBuiltAt: at });
    await store.recordTrend('2099-01-02T00:00:00.000Z', at, new Map([['a', { appeared: 2, resolved: 1 }]]));
    await store.recordTrend('2099-01-03T00:00:00.000Z', at, new Map());
    const a = await store.trend('a', 10);
    assert.deepEqual(
      a.map((p) => [p.at.slice(0, 10), p.images, p.appeared, p.resolved]),
      [
        ['2099-01-02', 2, 2, 1],
        ['2099-01-03', 2, 0, 0],
      ],
    );
    assert.deepEqual(a[0]?.vulnerabilities, { CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 2, UNKNOWN: 0 });
    assert.deepEqual(a[0]?.vulnerabilitiesByPriority, { P1: 1, P2: 0, P3: 0, P4: 2 });
    assert.equal(a[0]?.knownExploited, 1);
    const b = await store.trend('b', 10);
    assert.deepEqual([b[0]?.vulnerabilities.HIGH, b[0]?.vulnerabilities.LOW, b[0]?.appeared], [1, 0, 0]);
    assert.deepEqual(await store.trend('empty', 10), [], 'a project without images has no trend');
    assert.deepEqual(
      (await store.trend('a', 1)).map((p) => p.at.slice(0, 10)),
      ['2099-01-03'],
    );
    const listed = await store.listImages('a', 10);
    assert.deepEqual(listed.find((i) => i.ref === 'a/one:1')?.vulnerabilitiesByPriority, { P1: 1, P2: 0, P3: 0, P4: 1 });
    await store.close();
  });
});

describeStores('migration 3', (kind) => {
  it('gives findings stored before it their priority, from the JSON key only (not a title that quotes it)', async () => {
    const location = await freshLocation(kind, 'old');
    // A store at migration 1, written through the driver alone.
    const db: SqlDatabase = 'database' in location ? await openPostgres(location.database) : openSqlite(location.dataDir);
    await db.run('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const sql of MIGRATIONS[0]?.statements ?? []) await db.run(sql);
    await db.run('INSERT INTO schema_migrations VALUES (1, ?, ?)', [MIGRATIONS[0]?.name ?? '', '2099-01-01']);
    await db.run('INSERT INTO projects VALUES (?, ?)', ['old', '2099-01-01']);
    await db.run("INSERT INTO images VALUES ('i1', 'old', 'ref:x', 'x', NULL, NULL, '{}', 0, '2099-01-01', '2099-01-01', '2099-01-01')");
    const rows = [
      finding('CVE-2099-0001', 'HIGH', 'P2'),
      finding('CVE-2099-0002', 'LOW', 'P4', { title: 'quotes "priority":"P1" in its text' }),
      finding('CVE-2099-0003', 'HIGH', 'P3'),
    ];
    for (const v of rows) await db.run('INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)', ['i1', v.id, v.packageId, ' ', v.severity, 0, JSON.stringify(v)]);
    await db.close();
    const store = await openStore(location);
    assert.deepEqual((await store.listImages('old', 10))[0]?.vulnerabilitiesByPriority, { P1: 0, P2: 1, P3: 1, P4: 1 });
    await store.close();
  });
});
