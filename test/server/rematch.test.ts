// Continuous re-evaluation: a database update (the server's own job, reading its private OSV feed of
// hand-written records, rebuilt between rematches) that adds a record affecting a stored image gives
// exactly one "appeared" event for it, and removing the record exactly one "resolved" event; both
// reach a loopback webhook as JSON and in Slack's format. A failed update keeps the previous database.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { FindingEvent } from '../../src/server/store.js';
import {
  api,
  createToken,
  jobFinished,
  queueSettled,
  makeFixture,
  npmRecord,
  sampleSbom,
  startTestServer,
  waitForJob,
  type Fixture,
  type TestServer,
  describeStores,
} from './helpers.js';

describeStores('re-evaluation', (store) => {
  const BASE = npmRecord('CVE-2099-0001', 'left-pad', '1.2.0');
  const ADDED = npmRecord('CVE-2099-0003', 'is-odd', '3.0.0');

  /** A loopback webhook receiver that keeps every body it is sent, by path. */
  async function receiver(): Promise<{ url: string; bodies: Map<string, unknown[]>; server: Server }> {
    const bodies = new Map<string, unknown[]>();
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.set(req.url ?? '', [...(bodies.get(req.url ?? '') ?? []), JSON.parse(Buffer.concat(chunks).toString('utf8'))]);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, server };
  }

  let fixture: Fixture;
  let server: TestServer;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  let token: string;
  let admin: string;
  let imageId: string;

  async function update(): Promise<Record<string, unknown>> {
    const job = await server.ctx.jobs.enqueue('db-update', {});
    return { ...(await jobFinished(server.ctx.jobs, job.id, 30_000)) };
  }

  async function eventsSince(since: string): Promise<FindingEvent[]> {
    return (await api(server, 'GET', `/api/v1/projects/team-a/events?since=${since}`, token)).body.events as FindingEvent[];
  }

  before(async () => {
    fixture = await makeFixture([BASE]);
    hooks = await receiver();
    server = await startTestServer(
      fixture,
      [
        { url: `${hooks.url}/json`, format: 'json' },
        { url: `${hooks.url}/slack`, format: 'slack' },
      ],
      0,
      { store },
    );
    token = await createToken(server, 'team-a', ['submit', 'read']);
    admin = await createToken(server, undefined, ['admin']);
    imageId = ((await api(server, 'POST', '/api/v1/projects/team-a/images', token, sampleSbom())).body.image as { id: string }).id;
  });
  after(async () => {
    await server.close();
    hooks.server.close();
    fixture.remove();
  });

  describe('a database update that adds, then removes, a record affecting a stored image', () => {
    it('adding it: exactly one "appeared" event for that image, delivered as JSON and to Slack', async () => {
      const since = new Date().toISOString();
      fixture.writeFeed([BASE, ADDED]);
      const job = await update();
      assert.equal(job.state, 'succeeded', String(job.error));
      assert.deepEqual((job.result as { rematch: object }).rematch, { images: 1, appeared: 1, resolved: 0, dbBuiltAt: server.ctx.database.builtAt });
      const events = await eventsSince(since);
      assert.deepEqual(
        events.map((e) => [e.kind, e.cause, e.image.id, e.vulnerability.id, e.vulnerability.packageName]),
        [['appeared', 'rematch', imageId, 'CVE-2099-0003', 'is-odd']],
      );
      assert.deepEqual(
        (hooks.bodies.get('/json') as { events: FindingEvent[] }[]).map((b) => b.events.map((e) => [e.kind, e.vulnerability.id])),
        [[['appeared', 'CVE-2099-0003']]],
      );
      const slack = hooks.bodies.get('/slack') as { text: string }[];
      assert.equal(slack.length, 1);
      assert.deepEqual(Object.keys(slack[0] ?? {}), ['text']);
      assert.match(slack[0]?.text ?? '', /1 new and 0 resolved/);
      assert.match(slack[0]?.text ?? '', /NEW CVE-2099-0003 \(UNKNOWN\) in is-odd 2\.0\.0, fixed in 3\.0\.0: registry\.example\/app:1\.0 \[team-a\]/);
    });

    it('an update that changes nothing for the image records nothing and sends nothing', async () => {
      const since = new Date().toISOString();
      const job = await update();
      assert.equal(job.state, 'succeeded');
      assert.deepEqual(await eventsSince(since), []);
      assert.equal(hooks.bodies.get('/json')?.length, 1);
    });

    it('removing it: exactly one "resolved" event', async () => {
      const since = new Date().toISOString();
      fixture.writeFeed([BASE]);
      assert.equal((await update()).state, 'succeeded');
      const events = await eventsSince(since);
      assert.deepEqual(
        events.map((e) => [e.kind, e.image.id, e.vulnerability.id]),
        [['resolved', imageId, 'CVE-2099-0003']],
      );
      assert.match((hooks.bodies.get('/slack') as { text: string }[])[1]?.text ?? '', /RESOLVED CVE-2099-0003/);
    });

    it('POST /admin/rematch picks up a database updated beside the server (plimsoll db update on its --db-dir)', async () => {
      const since = new Date().toISOString();
      fixture.writeFeed([BASE, ADDED]);
      await fixture.rebuild();
      const queued = await api(server, 'POST', '/api/v1/admin/rematch', admin);
      assert.equal(queued.status, 202);
      const job = await waitForJob(server, admin, (queued.body.job as { id: string }).id);
      assert.equal(job.state, 'succeeded');
      assert.deepEqual(
        (await eventsSince(since)).map((e) => [e.kind, e.vulnerability.id]),
        [['appeared', 'CVE-2099-0003']],
      );
    });

    it('a failed update fails its job and keeps the previous database serving', async () => {
      const builtAt = server.ctx.database.builtAt;
      rmSync(fixture.feed, { recursive: true });
      const job = await update();
      assert.equal(job.state, 'failed');
      assert.equal(job.attempts, 3, 'the first attempt and two retries, with backoff');
      assert.equal((await server.ctx.jobs.counts())['db-update'].failed, 1, 'counted as failed');
      if (store === 'postgres') {
        // Out of retries, pg-boss copies it into the dead-letter queue.
        const client = new pg.Client({ connectionString: server.storeArgs[1] });
        await client.connect();
        const dead = await client.query("SELECT source_name FROM pgboss.job WHERE name = 'dead-letter'").finally(() => client.end());
        assert.deepEqual(dead.rows, [{ source_name: 'db-update' }]);
      }
      assert.match(String(job.error), /does not exist/);
      assert.equal(server.ctx.database.builtAt, builtAt);
      const r = await api(server, 'POST', '/api/v1/projects/team-a/images', token, sampleSbom());
      assert.deepEqual((r.body.vulnerabilities as { id: string }[]).map((v) => v.id).sort(), ['CVE-2099-0001', 'CVE-2099-0003']);
      fixture.writeFeed([BASE, ADDED]);
    });
  });

  describe('--db-update-interval', () => {
    it('updates the database on schedule and rematches after it', async () => {
      const scheduled = await makeFixture([BASE]);
      const running = await startTestServer(scheduled, [], 1000, { store });
      try {
        const first = running.ctx.database.builtAt;
        const t = await createToken(running, 'p', ['submit']);
        await api(running, 'POST', '/api/v1/projects/p/images', t, sampleSbom());
        scheduled.writeFeed([BASE, ADDED]);
        // Bounded: at most 15 s for a 1 s schedule.
        for (let i = 0; i < 150 && running.ctx.database.builtAt === first; i++) await new Promise((r) => setTimeout(r, 100));
        assert.notEqual(running.ctx.database.builtAt, first, 'the database was rebuilt');
        await queueSettled(running.ctx.jobs, 15_000);
        const image = (await running.ctx.store.imageIds())[0] as string;
        const stored = await running.ctx.store.getImage('p', image);
        assert.ok(
          stored?.vulnerabilities.some((v) => v.id === 'CVE-2099-0003'),
          'rematched against the new database',
        );
      } finally {
        await running.close();
        scheduled.remove();
      }
    });
  });
});
