// `db status`: the JSON contract of issue 6 and the age warning.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SCHEMA_VERSION, openDatabase, renderDbStatus, runDbStatus, runDbUpdate } from '../../src/vulndb/index.js';
import type { ScanWarning } from '../../src/model/warning.js';

let work: string;
let dbDir: string;
/** The hand-written record's date: fresh, so only the tests that move the clock see stale data. */
const MODIFIED = new Date().toISOString();
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-vulndb-'));
  // A hand-written private feed: the quickest database to build.
  const feed = join(work, 'feed');
  mkdirSync(feed);
  writeFileSync(join(feed, 'X-1.json'), JSON.stringify({ id: 'X-1', modified: MODIFIED, affected: [{ package: { ecosystem: 'npm', name: 'x' } }] }));
  mkdirSync(join(work, 'empty-mirror'));
  dbDir = join(work, 'db');
  // offline is fine: nothing here needs the network.
  await runDbUpdate({ dbDir, mirror: join(work, 'empty-mirror'), sources: [`osv-dir:${feed}`], quiet: true, offline: true });
});
after(() => rmSync(work, { recursive: true, force: true }));

test('status --format json carries path, schemaVersion, builtAt and sources', () => {
  const status = JSON.parse(renderDbStatus(runDbStatus({ dbDir }), 'json')) as Record<string, unknown>;
  assert.equal(status.path, join(dbDir, 'plimsoll.db'));
  assert.equal(status.schemaVersion, SCHEMA_VERSION);
  assert.ok(Math.abs(Date.parse(String(status.builtAt)) - Date.now()) < 60_000);
  const [source, ...rest] = status.sources as Record<string, unknown>[];
  assert.deepEqual(rest, []);
  assert.deepEqual(
    { ...source, lastModified: undefined },
    { name: 'private/feed', ecosystem: 'private', url: join(work, 'feed'), records: 1, lastModified: undefined, dataDate: MODIFIED },
  );
  assert.equal(status.dataDate, MODIFIED);
  assert.match(String(source?.lastModified), /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(status.warnings, []);
  assert.match(renderDbStatus(runDbStatus({ dbDir })), new RegExp(`^Database: +.*plimsoll\\.db\nSchema version: ${SCHEMA_VERSION}\n`));
});

test('a database older than the limit (3 days by default) gets a warning', () => {
  const db = openDatabase(dbDir);
  try {
    const built = Date.parse(db.builtAt);
    const day = 24 * 60 * 60 * 1000;
    const buildAge = (warnings: ScanWarning[]): string[] => warnings.map((w) => w.message).filter((w) => w.startsWith('vulnerability database is'));
    assert.deepEqual(buildAge(db.status({ now: new Date(built + 3 * day - 1000) }).warnings), []);
    const old = db.status({ now: new Date(built + 4 * day) });
    assert.equal(old.ageDays, 4);
    assert.match(buildAge(old.warnings)[0] ?? '', /vulnerability database is 4 days old .*run 'plimsoll db update'/);
    // The data is as old as the build here, so it is named too, by its own date.
    assert.deepEqual(
      old.warnings.map((w) => w.source),
      ['vulndb', 'vulndb'],
    );
    assert.match(old.warnings[1]?.message ?? '', /^1 of 1 sources hold data older than 3 days: private\/feed \(\d{4}-\d\d-\d\d, 4 days\)/);
    assert.deepEqual(db.status({ now: new Date(built + 4 * day), maxAgeDays: 7 }).warnings, []);
  } finally {
    db.close();
  }
});
