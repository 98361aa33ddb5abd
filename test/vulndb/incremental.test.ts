// Incremental `db update`: unchanged feeds are neither downloaded nor read again, a changed one is,
// and the result equals a database built from scratch. Over HTTP on loopback (a server that honours
// ETags) and from a directory mirror (size and mtime), on a copy of the real mirror.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase, runDbStatus, runDbUpdate, type DbUpdateResult } from '../../src/vulndb/index.js';
import { serveMirror, type MirrorServer } from './mirror-server.js';
import { MIRROR } from './mirror-truth.js';

const CHANGED = 'alpine-secdb/v3.10/main';
const noMirror = existsSync(join(MIRROR, 'osv')) ? undefined : `vulnerability mirror not found at ${MIRROR}`;

let work: string;
let mirror: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-incremental-'));
  mirror = join(work, 'mirror');
  if (!noMirror) cpSync(MIRROR, mirror, { recursive: true, preserveTimestamps: true });
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Drops the first package of the Alpine v3.10 main feed: a real change, with fewer records. */
function changeOneFeed(): void {
  const file = join(mirror, `${CHANGED}.json`);
  const secdb = JSON.parse(readFileSync(file, 'utf8')) as { packages: unknown[] };
  secdb.packages.shift();
  writeFileSync(file, JSON.stringify(secdb));
  // A different second than the copy, so Last-Modified (whole seconds) moves too.
  const later = new Date(statSync(file).mtimeMs + 5_000);
  utimesSync(file, later, later);
}

const reprocessed = (result: DbUpdateResult): string[] => result.sources.filter((s) => s.reprocessed).map((s) => s.name);

const COUNTED = ['Alpine:v3.10', 'Debian:12', 'PyPI', 'Go', 'no-such-ecosystem'];

/** Each ecosystem's advisories counted from the rows that name its packages, as the stored counts must say. */
function countedFromRows(dbDir: string): [string, number][] {
  const db = new Database(join(dbDir, 'plimsoll.db'), { readonly: true });
  try {
    const count = db.prepare('SELECT COUNT(DISTINCT advisory) FROM affected WHERE ecosystem = ?').pluck();
    return COUNTED.map((ecosystem) => [ecosystem, count.get(ecosystem) as number]);
  } finally {
    db.close();
  }
}

/** What a reader sees: every source's counts and dates, and the advisories of a few packages. */
function contents(dbDir: string): unknown {
  const status = runDbStatus({ dbDir });
  const db = openDatabase(dbDir);
  try {
    const lookups = ['Alpine:v3.10|ansible', 'Alpine:v3.10|openssl', 'Debian:12|wget', 'PyPI|django'].map((key) => {
      const [ecosystem = '', name = ''] = key.split('|');
      return [
        key,
        db
          .advisoriesFor(ecosystem, name)
          .map((a) => `${a.source} ${a.id}`)
          .sort(),
      ];
    });
    return {
      sources: status.sources.map(({ name, records, dataDate, url }) => ({ name, records, dataDate, url })).sort((a, b) => a.name.localeCompare(b.name)),
      lookups,
      counts: COUNTED.map((ecosystem) => [ecosystem, db.advisoryCount(ecosystem)]),
    };
  } finally {
    db.close();
  }
}

describe('incremental db update', { skip: noMirror }, () => {
  describe('over HTTP on loopback (ETag, If-None-Match)', () => {
    let server: MirrorServer;
    before(async () => {
      server = await serveMirror(mirror);
    });
    after(() => server.close());

    test('an unchanged mirror is not downloaded or read again; a changed feed alone is, and the result equals a fresh build', async () => {
      const dbDir = join(work, 'http');
      const first = await runDbUpdate({ dbDir, mirror: server.url, quiet: true });
      assert.ok(first.sources.every((s) => s.reprocessed && s.fetch === 'downloaded'));
      const before = contents(dbDir);

      const sent200 = server.counts.get(200) ?? 0;
      const second = await runDbUpdate({ dbDir, mirror: server.url, quiet: true });
      assert.deepEqual(reprocessed(second), [], 'nothing changed: nothing read again');
      assert.ok(second.sources.every((s) => s.fetch === 'not-modified'));
      assert.equal(server.counts.get(200) ?? 0, sent200, 'no file sent again');
      assert.deepEqual(
        second.sources.map((s) => [s.name, s.records]),
        first.sources.map((s) => [s.name, s.records]),
      );
      assert.deepEqual(contents(dbDir), before);
      assert.equal(runDbStatus({ dbDir }).builtAt, second.builtAt, 'the kept database is dated by the check');

      changeOneFeed();
      const third = await runDbUpdate({ dbDir, mirror: server.url, quiet: true });
      assert.deepEqual(reprocessed(third), [CHANGED]);
      assert.equal(third.sources.find((s) => s.name === CHANGED)?.fetch, 'downloaded');
      const fresh = join(work, 'http-fresh');
      await runDbUpdate({ dbDir: fresh, mirror: server.url, quiet: true });
      assert.deepEqual(contents(dbDir), contents(fresh));
      assert.notDeepEqual(contents(dbDir), before, 'the change reached the database');
      assert.deepEqual((contents(dbDir) as { counts: unknown }).counts, countedFromRows(dbDir), 'the stored counts are counted again by the update');
    });

    test('a failed update keeps the installed database, unchanged feeds included', async () => {
      const dbDir = join(work, 'http-fail');
      await runDbUpdate({ dbDir, mirror: server.url, quiet: true });
      const installed = contents(dbDir);
      server.failing.set('/kev/known_exploited_vulnerabilities.json', 500);
      try {
        await assert.rejects(runDbUpdate({ dbDir, mirror: server.url, quiet: true }), /HTTP 500/);
      } finally {
        server.failing.clear();
      }
      assert.deepEqual(contents(dbDir), installed);
    });
  });

  test('from a directory mirror: by size and mtime', async () => {
    const dir = join(work, 'dir-mirror');
    cpSync(MIRROR, dir, { recursive: true, preserveTimestamps: true });
    const dbDir = join(work, 'dir');
    await runDbUpdate({ dbDir, mirror: dir, quiet: true });
    const again = await runDbUpdate({ dbDir, mirror: dir, quiet: true });
    assert.deepEqual(reprocessed(again), []);
    // The same bytes with a new mtime, as a copy that does not keep times gives: read again.
    const file = join(dir, 'kev', 'known_exploited_vulnerabilities.json');
    const later = new Date(statSync(file).mtimeMs + 5_000);
    utimesSync(file, later, later);
    const touched = await runDbUpdate({ dbDir, mirror: dir, quiet: true });
    assert.deepEqual(reprocessed(touched), ['kev']);
    assert.deepEqual(
      touched.sources.map((s) => [s.name, s.records]),
      again.sources.map((s) => [s.name, s.records]),
    );
  });
});
