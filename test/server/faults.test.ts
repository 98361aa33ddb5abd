// Faults, on loopback and bounded in time: a worker killed with SIGKILL in the middle of a job (the
// job is retried and its work recorded exactly once), and PostgreSQL restarted under load (clients
// get 503 with Retry-After, never another error, and every acknowledged submission is kept). The
// third fault, a failed database update that leaves the previous database serving, is in
// rematch.test.ts for both stores.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { it } from 'node:test';
import type { RunningServer } from '../../src/server/serve.js';
import { createToken, jobFinished, makeFixture, npmRecord, sampleSbom, spawnWorker, startTestServer, storeImages, describeStores } from './helpers.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const BASE = npmRecord('CVE-2099-0001', 'left-pad', '1.2.0');
const ADDED = npmRecord('CVE-2099-0003', 'is-odd', '3.0.0');

describeStores(
  'a worker killed with SIGKILL in the middle of a rematch',
  () => {
    const IMAGES = 400;

    it('the job is retried by another worker and each image gets its "appeared" event exactly once', { timeout: 180_000 }, async (t) => {
      const fixture = await makeFixture([BASE]);
      // This process only queues: the jobs run in the workers below.
      const server = await startTestServer(fixture, [], 0, { store: 'postgres', workers: 0 });
      const url = server.storeArgs[1] as string;
      const workers = [];
      try {
        const ids = await storeImages(server, 'fleet', IMAGES);
        fixture.writeFeed([BASE, ADDED]);
        await fixture.rebuild();
        const since = new Date().toISOString();
        const first = spawnWorker(url, fixture);
        workers.push(first);
        const job = await server.ctx.jobs.enqueue('rematch', {});

        let done = 0;
        for (let i = 0; i < 2400 && done === 0; i++) {
          assert.equal(first.exitCode, null, 'the worker runs');
          done = (await server.ctx.store.eventsSince('fleet', since, IMAGES)).length;
          if (done === 0) await sleep(25);
        }
        first.kill('SIGKILL');
        await once(first, 'exit');
        const atKill = (await server.ctx.store.eventsSince('fleet', since, IMAGES)).length;
        assert.ok(atKill > 0 && atKill < IMAGES, `killed in the middle: ${atKill} of ${IMAGES} images had been rematched`);
        assert.equal((await server.ctx.jobs.get(job.id))?.state, 'running', 'the job is still held by the dead worker');
        t.diagnostic(`killed with ${atKill} of ${IMAGES} images rematched`);

        // The heartbeat (10 s) lapses, pg-boss puts the job back, and a second worker finishes it.
        const second = spawnWorker(url, fixture);
        workers.push(second);
        const finished = await jobFinished(server.ctx.jobs, job.id, 90_000);
        assert.equal(finished.state, 'succeeded', finished.error);
        assert.equal(finished.attempts, 2, 'the killed attempt and the retry');
        assert.equal((finished.result as { images: number }).images, IMAGES);
        assert.equal((finished.result as { appeared: number }).appeared, IMAGES - atKill, 'the retry records only what the killed attempt had not');

        const events = await server.ctx.store.eventsSince('fleet', since, IMAGES * 2);
        assert.equal(events.length, IMAGES);
        assert.deepEqual(new Set(events.map((e) => e.image.id)), new Set(ids));
        assert.ok(events.every((e) => e.kind === 'appeared' && e.vulnerability.id === 'CVE-2099-0003'));

        second.kill('SIGTERM');
        const [code] = (await once(second, 'exit')) as [number | null];
        assert.equal(code, 0, 'a worker stops cleanly on SIGTERM');
      } finally {
        for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
        await server.close();
        fixture.remove();
      }
    });
  },
  ['postgres'],
);

/** A PostgreSQL of the test's own on a free loopback port, so restarting it disturbs nothing else. */
async function privatePostgres(): Promise<{ url: string; restart(): Promise<void>; stop(): Promise<void> }> {
  const version = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0];
  const bin = `/usr/lib/postgresql/${version}/bin`;
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-pg-'));
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root: as root, it runs as the postgres user, which must reach the directory.
  const root = process.getuid?.() === 0;
  const as = async (command: string, args: string[]): Promise<void> => {
    await (root ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args));
  };
  mkdirSync(data);
  if (root) {
    const id = async (flag: string): Promise<number> => Number((await run('id', [flag, 'postgres'])).stdout.trim());
    const [uid, gid] = [await id('-u'), await id('-g')];
    chmodSync(tmpdir(), statSync(tmpdir()).mode | 0o711);
    chownSync(dir, uid, gid);
    chownSync(data, uid, gid);
  }
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
  await as(`${bin}/initdb`, ['-D', data, '-A', 'trust', '-U', 'plimsoll', '--no-sync']);
  const ctl = (...args: string[]) => as(`${bin}/pg_ctl`, ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '30', ...args]);
  const options = ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`];
  await ctl(...options, 'start');
  return {
    url: `postgres://plimsoll@127.0.0.1:${port}/postgres`,
    restart: () => ctl('-m', 'fast', ...options, 'restart'),
    stop: async () => {
      await ctl('-m', 'immediate', 'stop');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeStores(
  'PostgreSQL restarted under load',
  () => {
    const CLIENTS = 10;
    const LOAD_MS = 8000;

    it('clients get 503 with Retry-After while it is down, no other error, and every acknowledged submission is kept', { timeout: 120_000 }, async (t) => {
      const db = await privatePostgres();
      const fixture = await makeFixture([BASE]);
      let server: RunningServer | undefined;
      try {
        server = await startTestServer(fixture, [], 0, { database: db.url });
        const running = server;
        const token = await createToken(running, 'load', ['submit']);
        const acknowledged: string[] = [];
        const unexpected: string[] = [];
        let retriable = 0;
        let serial = 0;
        const end = Date.now() + LOAD_MS;

        const client = async (): Promise<void> => {
          while (Date.now() < end) {
            const n = serial++;
            const body = JSON.stringify(sampleSbom(`registry.example/load-${n}:1.0`, `sha256:f${n.toString(16).padStart(63, '0')}`));
            // Each submission is sent until it is acknowledged, as a client that honours Retry-After would.
            for (;;) {
              const response = await fetch(`${running.url}/api/v1/projects/load/images`, {
                method: 'POST',
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                body,
              }).catch((err: Error) => err);
              if (response instanceof Error) {
                unexpected.push(`request ${n}: ${response.message}`);
                break;
              }
              const text = await response.text();
              if (response.status === 200) {
                acknowledged.push((JSON.parse(text) as { image: { id: string } }).image.id);
                break;
              }
              if (response.status === 503 && Number(response.headers.get('retry-after')) > 0) {
                retriable++;
                await sleep(Number(response.headers.get('retry-after')) * 1000);
                continue;
              }
              unexpected.push(`request ${n}: HTTP ${response.status} ${text.slice(0, 200)}`);
              break;
            }
          }
        };

        const clients = Array.from({ length: CLIENTS }, client);
        await sleep(LOAD_MS / 4);
        const before = acknowledged.length;
        await db.restart();
        await Promise.all(clients);

        assert.deepEqual(unexpected, []);
        assert.ok(before > 0, 'submissions were acknowledged before the restart');
        assert.ok(retriable > 0, 'the restart was felt: some requests were answered 503');
        assert.ok(acknowledged.length > before, 'submissions were acknowledged after the restart');
        const stored = new Set(await running.ctx.store.imageIds());
        const lost = acknowledged.filter((id) => !stored.has(id));
        assert.deepEqual(lost, [], `${acknowledged.length} acknowledged, none lost`);
        assert.equal(new Set(acknowledged).size, acknowledged.length);
        t.diagnostic(`${acknowledged.length} submissions acknowledged (${before} before the restart), ${retriable} answers 503 with Retry-After`);
      } finally {
        await server?.close();
        await db.stop();
        fixture.remove();
      }
    });
  },
  ['postgres'],
);
