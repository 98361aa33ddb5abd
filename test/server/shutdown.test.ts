// Graceful shutdown, for both stores: once the server is told to stop, a request already in flight
// still gets its answer, a new connection is refused, and the job running at the time goes back to
// the queue (in-process: queued again in the SQLite file; pg-boss: failed into its retry state), then
// is finished by the next process to take it, with each image's event recorded once. And `plimsoll server` does it on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openJobRunner } from '../../src/server/serve.js';
import { CLI } from '../helpers/cli.js';
import { createToken, jobFinished, makeFixture, npmRecord, sampleSbom, startTestServer, storeImages, describeStores } from './helpers.js';

const BASE = npmRecord('CVE-2099-0001', 'left-pad', '1.2.0');
const ADDED = npmRecord('CVE-2099-0003', 'is-odd', '3.0.0');
const IMAGES = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeStores('stopping the server', (store) => {
  it('lets an in-flight request finish, refuses new ones, and returns the running job to the queue', { timeout: 120_000 }, async () => {
    const fixture = await makeFixture([BASE]);
    const server = await startTestServer(fixture, [], 0, { store });
    try {
      const token = await createToken(server, 'p', ['submit']);
      const ids = await storeImages(server, 'p', IMAGES);
      fixture.writeFeed([BASE, ADDED]);
      await fixture.rebuild();

      // A submission whose body is half sent when the stop begins.
      const body = Buffer.from(JSON.stringify(sampleSbom('registry.example/late:1.0', `sha256:${'9'.repeat(64)}`)));
      const url = new URL(`${server.url}/api/v1/projects/p/images`);
      const slow = request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length },
      });
      const answered = once(slow, 'response');
      slow.write(body.subarray(0, body.length >> 1));
      await sleep(100);

      const since = new Date().toISOString();
      const job = await server.ctx.jobs.enqueue('rematch', {});
      for (let i = 0; i < 1200 && (await server.ctx.store.eventsSince('p', since, 1)).length === 0; i++) await sleep(25);
      const stopped = server.stop();
      await sleep(200);

      const refused = await fetch(`${server.url}/healthz`).then(
        (r) => r.status,
        () => 'refused',
      );
      assert.ok(refused === 'refused' || refused === 503, `a new request is refused (${refused})`);
      slow.end(body.subarray(body.length >> 1));
      const [response] = (await answered) as [import('node:http').IncomingMessage];
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      assert.equal(response.statusCode, 200, Buffer.concat(chunks).toString());
      assert.ok((JSON.parse(Buffer.concat(chunks).toString()) as { vulnerabilities: unknown[] }).vulnerabilities.length > 0);
      await stopped;

      // The next process finds the job waiting in the queue (in-process: in the SQLite file), and finishes it once.
      const next = await openJobRunner(
        {
          ...(store === 'sqlite' ? { dataDir: join(fixture.work, 'data') } : { database: server.storeArgs[1] as string }),
          db: { dbDir: fixture.dbDir, offline: true },
          webhooks: [],
        },
        () => undefined,
      );
      try {
        const back = await next.ctx.jobs.get(job.id);
        assert.equal(back?.state, 'queued', 'back in the queue');
        assert.match(back?.error ?? '', /interrupted|shut down/);
        if (store === 'sqlite') assert.equal(back?.attempts, 0, 'an interrupted attempt is not counted');
        await next.ctx.jobs.start(1);
        const finished = await jobFinished(next.ctx.jobs, job.id, 60_000);
        assert.equal(finished.state, 'succeeded', finished.error);
        const all = await next.ctx.store.eventsSince('p', since, IMAGES * 2);
        assert.deepEqual(new Set(all.map((e) => e.image.id)), new Set(ids));
        assert.equal(all.length, IMAGES, 'each image once');
      } finally {
        await next.close(5000);
      }
    } finally {
      await server.close();
      fixture.remove();
    }
  });
});

describe('plimsoll server on SIGTERM', () => {
  it('stops within the deadline and exits 0', { timeout: 90_000 }, async () => {
    const fixture = await makeFixture([BASE]);
    try {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          CLI,
          'server',
          '--port',
          '0',
          '--data-dir',
          join(fixture.work, 'data'),
          '--db-dir',
          fixture.dbDir,
          '--offline',
          '--db-update-interval',
          '0',
          '--log-level',
          'silent',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      for (let i = 0; i < 600 && !stderr.includes('listening on'); i++) await sleep(100);
      assert.match(stderr, /listening on http:\/\/127\.0\.0\.1:\d+/);
      const started = Date.now();
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0, stderr);
      assert.match(stderr, /stopping/);
      assert.ok(Date.now() - started < 20_000, 'within the shutdown deadline');
    } finally {
      fixture.remove();
    }
  });
});
