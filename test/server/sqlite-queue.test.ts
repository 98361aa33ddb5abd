// The SQLite job queue keeps its jobs in the store's file: a job queued when the server stops runs
// after the restart, a server killed with SIGKILL in the middle of a job (the real `plimsoll server`,
// built) has that job run once more, and no more, after the restart; coalescing and the backoff
// before a retry hold across a restart too. (A graceful stop is in shutdown.test.ts, the dead letter
// of a failed update in rematch.test.ts, for both stores.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../../src/server/sqlite-store.js';
import { BUILT_CLI } from '../helpers/cli.js';
import { jobFinished, makeFixture, npmRecord, startTestServer, storeImages } from './helpers.js';

const BASE = npmRecord('CVE-2099-0001', 'left-pad', '1.2.0');
const ADDED = npmRecord('CVE-2099-0003', 'is-odd', '3.0.0');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the SQLite job queue across restarts', () => {
  it('runs after a restart a job queued before the stop, and coalesces with it there', { timeout: 60_000 }, async () => {
    const fixture = await makeFixture([BASE]);
    try {
      const first = await startTestServer(fixture, [], 0, { workers: 0 });
      const queued = await first.ctx.jobs.enqueue('rematch', {});
      assert.equal((await first.ctx.jobs.enqueue('rematch', {})).id, queued.id, 'a waiting rematch takes the place of a new one');
      const scan = { registry: 'r', repository: 'app', digest: `sha256:${'1'.repeat(64)}`, project: 'p' };
      const a = await first.ctx.jobs.enqueue('registry-scan', scan);
      const b = await first.ctx.jobs.enqueue('registry-scan', { ...scan, digest: `sha256:${'2'.repeat(64)}` });
      assert.notEqual(a.id, b.id, 'scans of two digests are two jobs');
      await first.close();

      const second = await startTestServer(fixture, [], 0, { workers: 0 });
      try {
        assert.equal((await second.ctx.jobs.get(queued.id))?.state, 'queued', 'still queued after the restart');
        assert.equal((await second.ctx.jobs.enqueue('rematch', {})).id, queued.id, 'coalesced with the job queued before the restart');
        assert.equal((await second.ctx.jobs.enqueue('registry-scan', scan)).id, a.id);
        assert.deepEqual((await second.ctx.jobs.counts()).rematch, { queued: 1, running: 0, failed: 0 });
        await second.ctx.jobs.start(1);
        const finished = await jobFinished(second.ctx.jobs, queued.id, 30_000);
        assert.equal(finished.state, 'succeeded', finished.error);
        assert.equal(finished.attempts, 1);
        assert.deepEqual(
          (await second.ctx.jobs.list('rematch')).map((j) => [j.id, j.state]),
          [[queued.id, 'succeeded']],
        );
      } finally {
        await second.close();
      }
    } finally {
      fixture.remove();
    }
  });

  it('keeps a retry waiting out its backoff across a restart, and fails the job out of retries', { timeout: 60_000 }, async () => {
    const fixture = await makeFixture([BASE]);
    try {
      // Without its feed the update fails each attempt.
      rmSync(fixture.feed, { recursive: true });
      const first = await startTestServer(fixture, [], 0, { workers: 1 });
      const job = await first.ctx.jobs.enqueue('db-update', {});
      let waiting = await first.ctx.jobs.get(job.id);
      try {
        for (let i = 0; i < 200 && !(waiting?.state === 'queued' && waiting.attempts === 1); i++, waiting = await first.ctx.jobs.get(job.id)) await sleep(10);
      } finally {
        await first.close();
      }
      assert.equal(waiting?.state, 'queued', 'waiting to be retried');
      assert.equal(waiting.attempts, 1);
      assert.match(waiting.error ?? '', /does not exist/);
      const db = new Database(join(fixture.work, 'data', STORE_FILE), { readonly: true });
      const row = db.prepare('SELECT run_after, attempts FROM jobs WHERE id = ?').get(job.id) as { run_after: string; attempts: number };
      db.close();
      assert.equal(row.attempts, 1);
      assert.ok(
        Date.parse(row.run_after) - Date.parse(waiting.startedAt ?? '') >= 1000,
        `the retry is due 1 s after the failure (${waiting.startedAt ?? ''} → ${row.run_after})`,
      );

      const second = await startTestServer(fixture, [], 0, { workers: 1 });
      try {
        const finished = await jobFinished(second.ctx.jobs, job.id, 30_000);
        assert.equal(finished.state, 'failed');
        assert.equal(finished.attempts, 3, 'the first attempt and two retries');
        assert.equal((await second.ctx.jobs.counts())['db-update'].failed, 1, 'the dead job is kept and counted');
      } finally {
        await second.close();
      }
    } finally {
      fixture.remove();
    }
  });

  it('runs once more after a restart a job cut off by SIGKILL, recording each image once', { timeout: 180_000 }, async (t) => {
    const IMAGES = 400;
    const fixture = await makeFixture([BASE]);
    const data = join(fixture.work, 'data');
    try {
      const setup = await startTestServer(fixture, [], 0, { workers: 0 });
      const ids = await storeImages(setup, 'fleet', IMAGES);
      fixture.writeFeed([BASE, ADDED]);
      await fixture.rebuild();
      const since = new Date().toISOString();
      const job = await setup.ctx.jobs.enqueue('rematch', {});
      await setup.close();

      // The real server takes the queued rematch; the test reads its file beside it (WAL lets it).
      const child = spawn(
        process.execPath,
        [BUILT_CLI, 'server', '--port', '0', '--data-dir', data, '--db-dir', fixture.dbDir, '--offline', '--db-update-interval', '0', '--log-level', 'silent'],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      let atKill = 0;
      try {
        const db = new Database(join(data, STORE_FILE), { readonly: true, timeout: 5000 });
        const rematched = db.prepare('SELECT COUNT(*) AS n FROM events WHERE project = ? AND at >= ?');
        try {
          for (let i = 0; i < 4800 && atKill === 0; i++) {
            assert.equal(child.exitCode, null, 'the server runs');
            atKill = (rematched.get('fleet', since) as { n: number }).n;
            if (atKill === 0) await sleep(25);
          }
          child.kill('SIGKILL');
          await once(child, 'exit');
          atKill = (rematched.get('fleet', since) as { n: number }).n;
          assert.equal(
            (db.prepare('SELECT state FROM jobs WHERE id = ?').get(job.id) as { state: string }).state,
            'running',
            'left running by the killed server',
          );
        } finally {
          db.close();
        }
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      assert.ok(atKill > 0 && atKill < IMAGES, `killed in the middle: ${atKill} of ${IMAGES} images had been rematched`);
      t.diagnostic(`killed with ${atKill} of ${IMAGES} images rematched`);

      const restarted = await startTestServer(fixture, [], 0, { workers: 1 });
      try {
        const finished = await jobFinished(restarted.ctx.jobs, job.id, 90_000);
        assert.equal(finished.state, 'succeeded', finished.error);
        assert.equal(finished.attempts, 2, 'the killed attempt and the one after the restart');
        assert.equal((finished.result as { appeared: number }).appeared, IMAGES - atKill, 'the second attempt records only what the killed one had not');
        const events = await restarted.ctx.store.eventsSince('fleet', since, IMAGES * 2);
        assert.equal(events.length, IMAGES);
        assert.deepEqual(new Set(events.map((e) => e.image.id)), new Set(ids));
      } finally {
        await restarted.close();
      }
    } finally {
      fixture.remove();
    }
  });
});
