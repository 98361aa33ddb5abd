// What must never happen: a killed update, a corrupt feed or a second update at the same time
// leaving no working database; a damaged database file producing a stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError, PlimsollError } from '../../src/errors.js';
import { UpdateLock, type LockInfo } from '../../src/vulndb/lock.js';
import { openDatabase, runDbStatus, runDbUpdate } from '../../src/vulndb/index.js';
import { serveMirror } from './mirror-server.js';
import { MIRROR, mirrorTruth } from './mirror-truth.js';

const noMirror = existsSync(join(MIRROR, 'osv')) ? undefined : `vulnerability mirror not found at ${MIRROR}`;
let work: string;

/** A mirror made of links to some of the real mirror's folders, plus files a test writes. */
function partialMirror(name: string, links: string[]): string {
  const root = join(work, name);
  for (const rel of links) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    symlinkSync(join(MIRROR, rel), join(root, rel));
  }
  return root;
}

/** npm, and the first half of the real Go zip. */
function truncatedGoMirror(): string {
  const root = join(work, 'truncated-mirror');
  if (existsSync(root)) return root;
  partialMirror('truncated-mirror', ['osv/npm']);
  mkdirSync(join(root, 'osv', 'Go'), { recursive: true });
  const real = readFileSync(join(MIRROR, 'osv', 'Go', 'all.zip'));
  writeFileSync(join(root, 'osv', 'Go', 'all.zip'), real.subarray(0, real.length >> 1));
  return root;
}

/** A database built from npm and the Debian lists: the "previous database" of these tests. */
async function baseline(dbDir: string): Promise<{ lodash: string[]; counts: Record<string, number> }> {
  const mirror = join(work, 'baseline-mirror');
  if (!existsSync(mirror)) partialMirror('baseline-mirror', ['osv/npm', 'debian-security-tracker']);
  await runDbUpdate({ dbDir, mirror, quiet: true });
  return snapshot(dbDir);
}

function snapshot(dbDir: string): { lodash: string[]; counts: Record<string, number> } {
  const db = openDatabase(dbDir);
  try {
    const lodash = db.advisoriesFor('npm', 'lodash').map((a) => a.id);
    const counts = Object.fromEntries(db.status().sources.map((s) => [s.name, s.records]));
    return { lodash, counts };
  } finally {
    db.close();
  }
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-vulndb-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('a failed update keeps the previous database', { skip: noMirror }, () => {
  test('the baseline holds what the mirror holds', async () => {
    const dbDir = join(work, 'base');
    const { lodash, counts } = await baseline(dbDir);
    const truth = mirrorTruth(MIRROR, ['npm|lodash']);
    assert.deepEqual(counts, { 'osv/npm': truth.counts['osv/npm'], 'debian/DSA': truth.counts['debian/DSA'], 'debian/DLA': truth.counts['debian/DLA'] });
    assert.deepEqual([...lodash].sort(), truth.ids['npm|lodash']);
  });

  test('a truncated zip: the error names the feed, the previous database still answers', async () => {
    const dbDir = join(work, 'truncated');
    const before = await baseline(dbDir);
    const mirror = truncatedGoMirror();
    await assert.rejects(runDbUpdate({ dbDir, mirror, quiet: true }), (err: Error) => {
      assert.ok(err instanceof PlimsollError);
      assert.match(err.message, /^feed osv\/Go \(.*osv\/Go\/all\.zip\): .*; the previous database was kept$/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
    assert.deepEqual(snapshot(dbDir), before);
    assert.deepEqual(
      readdirSync(dbDir).filter((f) => f.includes('.tmp-')),
      [],
      'the partial build is removed',
    );
  });

  test('over HTTP, a corrupt download is not kept in the cache for the next update', async () => {
    const dbDir = join(work, 'truncated-http');
    const before = await baseline(dbDir);
    const server = await serveMirror(truncatedGoMirror());
    try {
      await assert.rejects(
        runDbUpdate({ dbDir, mirror: server.url, quiet: true }),
        /^PlimsollError: feed osv\/Go \(http:\/\/127\.0\.0\.1:\d+\/osv\/Go\/all\.zip\): /,
      );
      assert.deepEqual(snapshot(dbDir), before);
      const state = JSON.parse(readFileSync(join(dbDir, 'feeds', 'state.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(state['osv/Go'], undefined);
      assert.equal(existsSync(join(dbDir, 'feeds', 'osv', 'Go')), false);
    } finally {
      await server.close();
    }
  });

  test('a zip whose entry is not an OSV record: the error names the feed and the entry', async () => {
    const dbDir = join(work, 'badentry');
    const before = await baseline(dbDir);
    const mirror = partialMirror('badentry-mirror', ['osv/npm']);
    mkdirSync(join(mirror, 'osv', 'PyPI'), { recursive: true });
    // A well-formed zip (written by python3's zipfile) holding one record that is not JSON.
    const zip = join(mirror, 'osv', 'PyPI', 'all.zip');
    const { execFileSync } = await import('node:child_process');
    execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr("PYSEC-0000-1.json", "{not json")', zip]);
    await assert.rejects(runDbUpdate({ dbDir, mirror, quiet: true }), /^PlimsollError: feed osv\/PyPI .*PYSEC-0000-1\.json: not valid JSON/);
    assert.deepEqual(snapshot(dbDir), before);
  });

  test('a reader keeps the database it opened while an update replaces it', async () => {
    const dbDir = join(work, 'reader');
    const before = await baseline(dbDir);
    const reader = openDatabase(dbDir);
    try {
      await runDbUpdate({ dbDir, mirror: partialMirror('reader-mirror', ['osv/crates.io']), quiet: true });
      assert.deepEqual(
        reader.advisoriesFor('npm', 'lodash').map((a) => a.id),
        before.lodash,
      );
      assert.deepEqual(snapshot(dbDir).lodash, [], 'a new handle sees the new database');
    } finally {
      reader.close();
    }
  });

  test('an update SIGKILLed in the middle of its build', async () => {
    const dbDir = join(work, 'killed');
    const before = await baseline(dbDir);
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'update-child.ts'), dbDir, MIRROR], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const lockPath = join(dbDir, 'update.lock');
    // Wait until it is well into the build: reading the Go zip, the fourth feed the mirror has.
    let owner: LockInfo | undefined;
    for (let i = 0; i < 3000 && !owner?.doing?.includes('osv/Go'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      try {
        owner = JSON.parse(readFileSync(lockPath, 'utf8')) as LockInfo;
      } catch {
        // not created yet
      }
    }
    assert.equal(owner?.pid, child.pid);
    // Freeze it before looking again: on a loaded machine it may have moved on to the next feed since the poll.
    child.kill('SIGSTOP');
    owner = JSON.parse(readFileSync(lockPath, 'utf8')) as LockInfo;
    const feed = /reading feed (\S+)/.exec(owner.doing ?? '')?.[1];
    assert.ok(feed, `the lock says what it is doing: ${owner.doing ?? ''}`);
    const partial = join(dbDir, `plimsoll.db.tmp-${child.pid}`);
    assert.ok(existsSync(partial) && statSync(partial).size > 0, 'a partial build exists');
    child.kill('SIGKILL');
    await exited;

    // The previous database answers, unchanged, while the dead update's lock and file remain.
    assert.deepEqual(snapshot(dbDir), before);
    assert.ok(existsSync(lockPath));
    assert.ok(
      runDbStatus({ dbDir }).warnings.some((w) => new RegExp(`pid ${child.pid}.*stopped before finishing while reading feed ${feed} `).test(w.message)),
    );

    // The next update breaks the stale lock, says which feed the dead one was reading, and cleans up.
    const next = await runDbUpdate({ dbDir, mirror: join(work, 'baseline-mirror'), quiet: true });
    assert.match(next.interrupted ?? '', new RegExp(`pid ${child.pid}.*stopped while reading feed ${feed} .*previous database kept`));
    assert.equal(existsSync(partial), false);
    assert.equal(existsSync(lockPath), false);
    assert.deepEqual(snapshot(dbDir), before);
  });
});

describe('the update lock', () => {
  test('a second holder waits for the first, with one message', async () => {
    const dir = mkdtempSync(join(work, 'lock-'));
    const first = await UpdateLock.acquire(dir);
    const waits: LockInfo[] = [];
    let acquired = false;
    const second = UpdateLock.acquire(dir, { onWait: (owner) => waits.push(owner), pollMs: 20 }).then((lock) => {
      acquired = true;
      return lock;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(acquired, false);
    assert.equal(waits.length, 1);
    assert.equal(waits[0]?.pid, process.pid);
    first.release();
    (await second).release();
    assert.equal(existsSync(join(dir, 'update.lock')), false);
  });

  test('db update waits while another holds the lock, then builds', { skip: noMirror }, async () => {
    const dbDir = mkdtempSync(join(work, 'lockwait-'));
    const held = await UpdateLock.acquire(dbDir);
    let done = false;
    const update = runDbUpdate({ dbDir, mirror: partialMirror('lockwait-mirror', ['osv/npm']), quiet: true }).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(done, false);
    assert.equal(existsSync(join(dbDir, 'plimsoll.db')), false);
    held.release();
    assert.equal((await update).sources[0]?.name, 'osv/npm');
  });

  test("a dead process's lock is broken and reported", async () => {
    const dir = mkdtempSync(join(work, 'stale-'));
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    const { hostname } = await import('node:os');
    writeFileSync(
      join(dir, 'update.lock'),
      JSON.stringify({ pid: dead.pid, host: hostname(), startedAt: '2026-01-01T00:00:00Z', doing: 'reading feed osv/PyPI' }),
    );
    const stale: LockInfo[] = [];
    const lock = await UpdateLock.acquire(dir, { onStale: (owner) => stale.push(owner), onWait: () => assert.fail('must not wait for a dead process') });
    assert.equal(stale[0]?.pid, dead.pid);
    assert.equal(stale[0]?.doing, 'reading feed osv/PyPI');
    assert.equal((JSON.parse(readFileSync(join(dir, 'update.lock'), 'utf8')) as LockInfo).pid, process.pid);
    lock.release();
  });
});

describe('a damaged database file', { skip: noMirror }, () => {
  const oneLine = (dbDir: string, pattern: RegExp) => {
    for (const open of [() => openDatabase(dbDir).close(), () => runDbStatus({ dbDir })]) {
      assert.throws(open, (err: Error) => {
        assert.ok(err instanceof InputError, `${err.name}: ${err.message}`);
        assert.match(err.message, pattern);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      });
    }
  };

  test('missing, garbage, truncated', async () => {
    const dbDir = join(work, 'damaged');
    oneLine(dbDir, /plimsoll\.db: no vulnerability database; run 'plimsoll db update'/);

    await baseline(dbDir);
    const good = join(work, 'good.db');
    copyFileSync(join(dbDir, 'plimsoll.db'), good);

    writeFileSync(join(dbDir, 'plimsoll.db'), 'this is not a database, just some words '.repeat(200));
    oneLine(dbDir, /plimsoll\.db: not a SQLite database/);

    copyFileSync(good, join(dbDir, 'plimsoll.db'));
    truncateSync(join(dbDir, 'plimsoll.db'), statSync(good).size >> 1);
    oneLine(dbDir, /plimsoll\.db: truncated or damaged database/);

    // A SQLite file that is not ours.
    rmSync(join(dbDir, 'plimsoll.db'));
    const Database = (await import('better-sqlite3')).default;
    const foreign = new Database(join(dbDir, 'plimsoll.db'));
    foreign.exec('CREATE TABLE t (x)');
    foreign.close();
    oneLine(dbDir, /plimsoll\.db: not a readable Plimsoll vulnerability database \(no such table: meta\)/);
  });
});
