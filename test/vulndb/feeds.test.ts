// The Debian tracker's JSON export, read on a hand-written fixture (see test/fixtures/vulndb/README.md),
// and through `db update` as a private feed would be laid out beside the real mirror.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readDebianTracker } from '../../src/vulndb/feeds/debian-tracker.js';
import { openDatabase, runDbUpdate } from '../../src/vulndb/index.js';
import type { OsvRecord } from '../../src/vulndb/types.js';
import { MIRROR } from './mirror-truth.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/vulndb/debian-tracker-handwritten.json');
let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-vulndb-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

async function collect(gen: AsyncGenerator<OsvRecord>): Promise<OsvRecord[]> {
  const out: OsvRecord[] = [];
  for await (const record of gen) out.push(record);
  return out;
}

describe('Debian security tracker JSON (hand-written fixture)', () => {
  test('one record per package and issue, with the release facts kept', async () => {
    const records = await collect(readDebianTracker(FIXTURE, '2026-01-01T00:00:00.000Z'));
    assert.deepEqual(
      records.map((r) => `${r.affected?.[0]?.package?.name} ${r.id}`),
      ['examplepkg CVE-2099-0001', 'examplepkg CVE-2099-0002', 'otherpkg CVE-2099-0003'],
    );

    const [fixed, unimportant, notAffected] = records;
    assert.deepEqual(
      fixed?.affected?.map((a) => [a.package?.ecosystem, a.ranges?.[0]?.events]),
      [
        ['Debian:12', [{ introduced: '0' }, { fixed: '1.0-1+deb12u1' }]],
        ['Debian:13', [{ introduced: '0' }]],
      ],
    );
    assert.equal(fixed?.details, 'Invented issue fixed in bookworm, open in trixie.');
    assert.deepEqual(fixed?.database_specific, { source: 'debian-security-tracker', scope: 'remote', debianbug: 1000001 });
    assert.deepEqual(unimportant?.affected?.[0]?.ecosystem_specific, { status: 'open', urgency: 'unimportant', nodsa: 'Minor issue', nodsa_reason: 'ignored' });
    // fixed_version 0: never affected, so no range; sid keeps its code name.
    assert.equal(notAffected?.affected?.[0]?.ranges, undefined);
    assert.equal(notAffected?.affected?.[0]?.ecosystem_specific?.fixed_version, '0');
    assert.deepEqual(notAffected?.affected?.[1]?.package, { ecosystem: 'Debian:sid', name: 'otherpkg' });
  });

  test('a file of another shape is refused with what is wrong', async () => {
    const bad = join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ examplepkg: { 'CVE-2099-0001': { releases: { bookworm: { fixed_version: '1' } } } } }));
    await assert.rejects(collect(readDebianTracker(bad, '')), /examplepkg CVE-2099-0001 bookworm: release entry has no "status"/);
  });

  test('db update reads it at debian-security-tracker/data/json in a mirror', { skip: existsSync(MIRROR) ? undefined : 'no mirror' }, async () => {
    const mirror = join(work, 'mirror');
    mkdirSync(join(mirror, 'debian-security-tracker', 'data', 'DSA'), { recursive: true });
    symlinkSync(join(MIRROR, 'debian-security-tracker/data/DSA/list'), join(mirror, 'debian-security-tracker/data/DSA/list'));
    copyFileSync(FIXTURE, join(mirror, 'debian-security-tracker', 'data', 'json'));
    const dbDir = join(work, 'db');
    const result = await runDbUpdate({ dbDir, mirror, quiet: true });
    assert.deepEqual(
      result.sources.map((s) => [s.name, s.records]).filter(([n]) => n === 'debian/tracker'),
      [['debian/tracker', 3]],
    );
    const db = openDatabase(dbDir);
    try {
      assert.deepEqual(
        db.advisoriesFor('Debian:13', 'examplepkg').map((a) => [a.id, a.source]),
        [['CVE-2099-0001', 'debian/tracker']],
      );
    } finally {
      db.close();
    }
  });
});

describe('private OSV feeds (--source osv-dir:PATH)', () => {
  test('a directory of records the organisation wrote is a source like the others', async () => {
    const feed = join(work, 'internal-advisories');
    mkdirSync(join(feed, 'sub'), { recursive: true });
    // Hand-written records for an invented internal package.
    writeFileSync(
      join(feed, 'INTERNAL-1.json'),
      JSON.stringify({
        id: 'INTERNAL-1',
        modified: '2026-01-01T00:00:00Z',
        affected: [
          { package: { ecosystem: 'npm', name: '@acme/secret-lib' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] },
        ],
      }),
    );
    writeFileSync(
      join(feed, 'sub', 'INTERNAL-2.json'),
      JSON.stringify({
        id: 'INTERNAL-2',
        modified: '2026-01-01T00:00:00Z',
        withdrawn: '2026-02-01T00:00:00Z',
        affected: [{ package: { ecosystem: 'npm', name: '@acme/secret-lib' } }],
      }),
    );
    const emptyMirror = join(work, 'empty-mirror');
    mkdirSync(emptyMirror, { recursive: true });
    const dbDir = join(work, 'private-db');
    const result = await runDbUpdate({ dbDir, mirror: emptyMirror, sources: [`osv-dir:${feed}`], quiet: true });
    assert.deepEqual(
      result.sources.map((s) => [s.name, s.records, s.withdrawn]),
      [['private/internal-advisories', 1, 1]],
    );
    const db = openDatabase(dbDir);
    try {
      assert.deepEqual(
        db.advisoriesFor('npm', '@acme/secret-lib').map((a) => a.id),
        ['INTERNAL-1'],
      );
    } finally {
      db.close();
    }
    await assert.rejects(
      runDbUpdate({ dbDir, mirror: emptyMirror, sources: [`osv-dir:${join(work, 'nope')}`], quiet: true }),
      /feed private\/nope: .* does not exist/,
    );
    await assert.rejects(
      runDbUpdate({ dbDir, mirror: emptyMirror, sources: ['git:whatever'], quiet: true }),
      /git:whatever: unknown source; expected osv-dir:PATH/,
    );
  });
});
