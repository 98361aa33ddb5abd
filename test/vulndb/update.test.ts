// `db update` from the real mirror, read as a directory and over HTTP on loopback: every feed's
// record count must equal what python3 counts in the mirror's own files.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase, runDbStatus, runDbUpdate, type DbUpdateResult } from '../../src/vulndb/index.js';
import { serveMirror, type MirrorServer } from './mirror-server.js';
import { MIRROR, mirrorTruth, type MirrorTruth } from './mirror-truth.js';

const LOOKUPS = ['PyPI|django', 'Go|stdlib', 'crates.io|tokio', 'Alpine:v3.21|wget', 'Debian:12|wget', 'npm|lodash'];
const noMirror = existsSync(join(MIRROR, 'osv')) ? undefined : `vulnerability mirror not found at ${MIRROR}`;

let work: string;
let truth: MirrorTruth;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-vulndb-'));
  if (!noMirror) truth = mirrorTruth(MIRROR, LOOKUPS);
});
after(() => rmSync(work, { recursive: true, force: true }));

/** `absent`: feeds this way of serving the mirror cannot offer (a web server has no NVD directory to list). */
function assertCounts(result: DbUpdateResult, absent: string[] = []): void {
  const counts = Object.fromEntries(Object.entries(truth.counts).filter(([name]) => !absent.includes(name)));
  const built = Object.fromEntries(result.sources.map((s) => [s.name, s.records]));
  assert.deepEqual(built, counts);
  // And as status reads them back from the database file.
  const status = runDbStatus({ dbDir: join(result.path, '..') });
  assert.deepEqual(Object.fromEntries(status.sources.map((s) => [s.name, s.records])), counts);
  // Alpine fixes per release, main and community together.
  const perRelease = new Map<string, number>();
  for (const s of status.sources.filter((x) => x.name.startsWith('alpine-secdb/'))) perRelease.set(s.ecosystem, (perRelease.get(s.ecosystem) ?? 0) + s.records);
  const expected = new Map<string, number>();
  for (const [name, n] of Object.entries(truth.counts).filter(([k]) => k.startsWith('alpine-secdb/'))) {
    const release = `Alpine:${name.split('/')[1]}`;
    expected.set(release, (expected.get(release) ?? 0) + n);
  }
  assert.deepEqual(perRelease, expected);
}

describe('db update from the mirror', { skip: noMirror }, () => {
  test('from the directory: counts per feed equal the mirror, and look-ups find what the zips say', async () => {
    const dbDir = join(work, 'dir');
    const result = await runDbUpdate({ dbDir, mirror: MIRROR, quiet: true });
    assertCounts(result);
    assert.ok(result.sources.every((s) => s.fetch === 'local'));
    assert.ok(result.missing.includes('osv/NuGet'), 'feeds the mirror lacks are listed as missing');

    const db = openDatabase(dbDir);
    try {
      for (const key of LOOKUPS) {
        const [ecosystem = '', name = ''] = key.split('|');
        const osvIds = db
          .advisoriesFor(ecosystem, name)
          .filter((a) => a.source.startsWith('osv/'))
          .map((a) => a.id);
        assert.deepEqual([...osvIds].sort(), truth.ids[key] ?? [], key);
        assert.equal(new Set(osvIds).size, osvIds.length, `${key}: a record in two zips is returned once`);
      }
      // PyPI names compare after PEP 503 normalisation.
      assert.equal(db.advisoriesFor('PyPI', 'Django').length, db.advisoriesFor('PyPI', 'django').length);
      // The DSA list as written: DSA-5380-1 fixes CVE-2023-1393 in bullseye's xorg-server 2:1.20.11-1+deb11u6.
      const dsa = db.advisoriesFor('Debian:11', 'xorg-server').find((a) => a.id === 'DSA-5380-1');
      assert.deepEqual(dsa?.aliases, ['CVE-2023-1393']);
      assert.deepEqual(dsa?.affected?.[0]?.ranges?.[0]?.events, [{ introduced: '0' }, { fixed: '2:1.20.11-1+deb11u6' }]);
      assert.equal(dsa?.published, '2023-03-29T00:00:00Z');
      // Alpine v3.8 main lists db under version 0: not affected, so no range.
      const rejected = db.advisoriesFor('Alpine:v3.8', 'db');
      assert.ok(rejected.length > 0);
      assert.ok(rejected.every((a) => a.affected?.[0]?.ranges === undefined && a.affected?.[0]?.database_specific?.status === 'not-affected'));
      // Every OSV field is kept: a Go record's ecosystem_specific imports survive the round trip.
      const go = db.advisoriesFor('Go', 'stdlib')[0];
      assert.ok(go?.affected?.some((a) => a.ecosystem_specific !== undefined));
    } finally {
      db.close();
    }
  });

  describe('over HTTP on loopback', () => {
    let server: MirrorServer;
    before(async () => {
      server = await serveMirror(MIRROR);
    });
    after(() => server.close());

    test('counts equal the mirror; a second update downloads nothing (conditional requests)', async () => {
      const dbDir = join(work, 'http');
      const first = await runDbUpdate({ dbDir, mirror: server.url, quiet: true });
      // Over HTTP, NVD is the API proxied under the mirror, which a static file server does not answer.
      assertCounts(first, ['nvd']);
      assert.ok(first.missing.includes('nvd'));
      assert.ok(first.sources.every((s) => s.fetch === 'downloaded'));
      assert.ok(first.sources.every((s) => s.url.startsWith(server.url)));
      const served = server.counts.get(200);
      assert.equal(served, first.sources.length);

      const second = await runDbUpdate({ dbDir, mirror: server.url, quiet: true });
      assertCounts(second, ['nvd']);
      assert.ok(second.sources.every((s) => s.fetch === 'not-modified'));
      assert.equal(server.counts.get(200), served, 'nothing downloaded again');
      assert.equal(server.counts.get(304), first.sources.length);
    });

    test('offline refuses to download, naming the URL', async () => {
      await assert.rejects(
        runDbUpdate({ dbDir: join(work, 'offline'), mirror: server.url, offline: true, quiet: true }),
        /offline: 'db update' would download .*127\.0\.0\.1/,
      );
      assert.equal(existsSync(join(work, 'offline', 'plimsoll.db')), false);
    });
  });

  test('plain http is refused for a host that is not loopback', async () => {
    await assert.rejects(runDbUpdate({ dbDir: join(work, 'plain'), mirror: 'http://mirror.example.org/vulndata', quiet: true }), /only https URLs/);
  });

  test('a directory that holds no feed is an error, not an empty database', async () => {
    await assert.rejects(runDbUpdate({ dbDir: join(work, 'empty'), mirror: join(work, 'nothing-here'), quiet: true }), /no feed found at/);
    assert.equal(existsSync(join(work, 'empty', 'plimsoll.db')), false);
  });
});
