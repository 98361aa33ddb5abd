// Registry scanning end to end against a real CNCF distribution registry (the testbed's
// `docker-registry` binary, our own instance on a free loopback port, the testbed's htpasswd file
// for its users) configured to notify the server: skopeo pushes testbed images into it, the
// registry's notifier posts to the server, the server pulls each pushed image with the credentials
// configured for that registry, inventories it, runs the secret scanner, matches it and stores it. The vulnerability data
// is the server tests' HAND-WRITTEN feed (invented CVE-2099-… ids, not real advisories). On each
// store: with PostgreSQL, the jobs go through pg-boss.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { RegistryLister } from '../../src/image/registry/catalog.js';
import type { Job } from '../../src/server/jobs.js';
import { parseRegistry, type RegistryConfig } from '../../src/server/registry/config.js';
import type { ScanJobPayload } from '../../src/server/registry/scan-job.js';
import type { Vulnerability } from '../../src/match/types.js';
import { TESTBED, hasCommand, needRegistry, registryEnv } from '../helpers/testbed.js';
import { alpineRecord, api, createToken, describeStores, makeFixture, queueSettled, startTestServer, type Fixture, type TestServer } from './helpers.js';

const skip = needRegistry() ?? (hasCommand('docker-registry') ? undefined : 'docker-registry not installed (../shared/testbed/install-tools.sh)');
const env = registryEnv();
const NOTIFY_TOKEN = 'notify-secret-for-the-test';
const WRONG_PASSWORD = 'not-the-registry-password';
const MUSL = alpineRecord('CVE-2099-0101', 'musl', '1.1.22-r5');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` gives a value, at most `seconds`. */
async function waitFor<T>(what: string, seconds: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await sleep(100);
  }
}

/** Waits (at most 30 s) until the server's queue has run every job queued so far, retries included. */
const settled = (server: TestServer): Promise<void> => queueSettled(server.ctx.jobs, 30_000);

const NAME = 'registry scanning against a real distribution registry';
if (skip) it(NAME, { skip }, () => undefined);
else
  describeStores(NAME, (store) => {
    let fixture: Fixture;
    let server: TestServer;
    let registries: ChildProcess[] = [];
    let host: string;
    let quietHost: string;
    let local: RegistryConfig;
    let reader: string;
    let admin: string;

    function startRegistry(config: string): ChildProcess {
      const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
      child.on('error', (err) => assert.fail(`docker-registry: ${err.message}`));
      return child;
    }

    function push(layout: string, tag: string, dest: string, all = false, to = host): void {
      const r = spawnSync(
        'skopeo',
        [
          'copy',
          '-q',
          ...(all ? ['--all'] : []),
          '--preserve-digests',
          '--dest-tls-verify=false',
          '--dest-creds',
          `${env?.user}:${env?.password}`,
          `oci:${join(TESTBED, 'oci', layout)}:${tag}`,
          `docker://${to}/${dest}`,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      assert.equal(r.status, 0, r.stderr);
    }

    function scanJobs(): Promise<Job[]> {
      return server.ctx.jobs.list('registry-scan');
    }

    const payloadOf = (job: Job | undefined): Partial<ScanJobPayload> => (job?.payload ?? {}) as Partial<ScanJobPayload>;

    async function storedImage(digest: string): Promise<{ id: string; ref: string; vulnerabilities: Vulnerability[] }> {
      const image = await waitFor(`the scan of ${digest}`, 60, () => server.ctx.store.findImageByDigest('reg', digest));
      const { body } = await api(server, 'GET', `/api/v1/projects/reg/images/${image.id}`, reader);
      return { id: image.id, ref: (body.image as { ref: string }).ref, vulnerabilities: body.vulnerabilities as Vulnerability[] };
    }

    before(async () => {
      fixture = await makeFixture([MUSL]);
      const port = await freePort();
      host = `127.0.0.1:${port}`;
      process.env.PLIMSOLL_TEST_REGISTRY_PASSWORD = env?.password ?? '';
      process.env.PLIMSOLL_TEST_WRONG_PASSWORD = WRONG_PASSWORD;
      const tokenFile = join(fixture.work, 'notify-token');
      writeFileSync(tokenFile, `${NOTIFY_TOKEN}\n`);
      local = parseRegistry(
        `name=local,url=http://${host},project=reg,username=${env?.user},password-env=PLIMSOLL_TEST_REGISTRY_PASSWORD,notify-token-file=${tokenFile}`,
        '--registry',
      );
      server = await startTestServer(fixture, [], 0, {
        store,
        registries: [
          local,
          // The same registry with a wrong password, filing under another project (where this digest is not stored yet).
          parseRegistry(
            `name=misconfigured,url=http://${host},project=reg-other,username=${env?.user},password-env=PLIMSOLL_TEST_WRONG_PASSWORD,notify-token-file=${tokenFile}`,
            '--registry',
          ),
        ],
      });
      reader = await createToken(server, 'reg', ['read']);
      admin = await createToken(server, undefined, ['admin']);
      // The registry: the testbed's users (its htpasswd, read only), and two notification endpoints:
      // the server with the right token, and the server with a wrong one (which must be refused).
      const dir = join(fixture.work, 'registry');
      mkdirSync(join(dir, 'data'), { recursive: true });
      const endpoint = (name: string, token: string): string => `
    - name: ${name}
      url: ${server.url}/api/v1/registries/local/notifications
      headers:
        Authorization: [Bearer ${token}]
      timeout: 5s
      threshold: 3
      backoff: 1s`;
      const config = (addr: string, notifications: string): string => `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
http:
  addr: ${addr}
  secret: plimsoll-registry-scan-test
auth:
  htpasswd:
    realm: plimsoll-test
    path: ${join(TESTBED, 'registry', 'auth', 'htpasswd')}
${notifications}`;
      writeFileSync(
        join(dir, 'config.yml'),
        config(host, `notifications:\n  endpoints:${endpoint('plimsoll', NOTIFY_TOKEN)}${endpoint('impostor', 'not-the-token')}\n`),
      );
      // A second node on the same storage whose notifier was never configured: what it takes in, only a catalog rescan finds.
      quietHost = `127.0.0.1:${await freePort()}`;
      writeFileSync(join(dir, 'quiet.yml'), config(quietHost, ''));
      registries = [startRegistry(join(dir, 'config.yml')), startRegistry(join(dir, 'quiet.yml'))];
      for (const addr of [host, quietHost]) {
        await waitFor(`the registry on ${addr}`, 20, async () =>
          (await fetch(`http://${addr}/v2/`).then(
            (r) => r.status,
            () => 0,
          )) === 401
            ? true
            : undefined,
        );
      }
    });

    after(async () => {
      for (const r of registries) r.kill();
      await server?.close();
      fixture?.remove();
    });

    it('a push is scanned by digest with the registry credentials, stored with its findings, once', async () => {
      push('alpine-3.10', '3.10.9', 'team/alpine:3.10.9');
      const digest = (JSON.parse(readFileSync(join(TESTBED, 'truth', 'alpine-3.10', 'image.json'), 'utf8')) as { manifestDigest: string }).manifestDigest;
      const image = await storedImage(digest);
      assert.equal(image.ref, `${host}/team/alpine:3.10.9@${digest}`);
      assert.deepEqual(image.vulnerabilities.map((v) => [v.id, v.packageName]).sort(), [
        ['CVE-2099-0101', 'musl'],
        ['CVE-2099-0101', 'musl-utils'],
      ]);
      // The server ran the secret scanner as `image --server` does: the facts say secrets were looked for (none in this image).
      const facts = (await server.ctx.store.findImageByDigest('reg', digest))?.facts;
      assert.deepEqual(facts?.secrets, {}, `secrets scanned and counted: ${JSON.stringify(facts)}`);
      await settled(server);
      const jobs = await scanJobs();
      assert.equal(jobs.length, 1, "blob pushes and the server's own pulls queue no scan");
      assert.equal(jobs[0]?.state, 'succeeded', jobs[0]?.error);
      assert.deepEqual(jobs[0]?.payload, { registry: 'local', repository: 'team/alpine', digest, tag: '3.10.9', project: 'reg' });
    });

    it('the same digest pushed under another tag is not pulled again', async () => {
      push('alpine-3.10', '3.10.9', 'team/alpine:stable');
      const queued = await waitFor('a second push event', 30, async () => (await scanJobs())[1]);
      await settled(server);
      const second = await server.ctx.jobs.get(queued.id);
      assert.equal(second?.state, 'succeeded');
      assert.equal(second?.result?.skipped, 'this digest is stored already');
    });

    it('a multi-platform index: each platform manifest is scanned, the index push itself is ignored', async () => {
      push('alpine-multiarch', '3.20.3', 'team/multi:3.20.3', true);
      const index = JSON.parse(readFileSync(join(TESTBED, 'oci', 'alpine-multiarch', 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
      const children = (
        JSON.parse(readFileSync(join(TESTBED, 'oci', 'alpine-multiarch', 'blobs', 'sha256', (index.manifests[0]?.digest ?? '').slice(7)), 'utf8')) as {
          manifests: { digest: string; platform: { architecture: string } }[];
        }
      ).manifests;
      assert.equal(children.length, 2);
      for (const child of children) {
        const image = await storedImage(child.digest);
        assert.equal(image.ref, `${host}/team/multi@${child.digest}`);
      }
      const { body } = await api(server, 'GET', '/api/v1/projects/reg/images', reader);
      assert.equal((body.images as unknown[]).length, 3);
    });

    it('the notifier with a wrong token is refused (401), as are one with no token and an unknown registry', async () => {
      // The registry's second endpoint carries a wrong token: the server has answered it 401.
      const metrics = await waitFor('the impostor endpoint refused', 30, async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        return /plimsoll_http_requests_total\{method="POST",route="\/api\/v1\/registries\/:name\/notifications",status="401"\} [1-9]/.test(text)
          ? text
          : undefined;
      });
      assert.match(metrics, /route="\/api\/v1\/registries\/:name\/notifications",status="202"\} [1-9]/);
      const envelope = {
        events: [
          { action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/x', digest: `sha256:${'1'.repeat(64)}` } },
        ],
      };
      const post = (path: string, authorization?: string): Promise<Response> =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(envelope),
        });
      for (const r of [
        await post('/api/v1/registries/local/notifications'),
        await post('/api/v1/registries/local/notifications', 'Bearer wrong'),
        await post('/api/v1/registries/other/notifications', `Bearer ${NOTIFY_TOKEN}`),
      ]) {
        assert.equal(r.status, 401);
        assert.match(((await r.json()) as { error: string }).error, /notify token/);
      }
      assert.equal(
        (await scanJobs()).some((j) => payloadOf(j).repository === 'team/x'),
        false,
      );
    });

    it('the same digest notified while its scan waits is queued once; pulls and blobs are ignored', async () => {
      // A server that only queues (no workers), so the first scan still waits when the second notification comes.
      const queuing = await startTestServer(fixture, [], 0, { store, workers: 0, registries: [local], dataDir: join(fixture.work, 'queuing') });
      const digest = `sha256:${'2'.repeat(64)}`;
      const event = (action: string, mediaType: string, d = digest) => ({
        id: action,
        action,
        target: { mediaType, repository: 'team/held', digest: d, tag: 'v1' },
      });
      const envelope = {
        events: [
          event('push', 'application/vnd.docker.image.rootfs.diff.tar.gzip', `sha256:${'3'.repeat(64)}`),
          event('pull', 'application/vnd.oci.image.manifest.v1+json'),
          event('push', 'application/vnd.oci.image.manifest.v1+json'),
          event('push', 'application/vnd.docker.distribution.manifest.v2+json'),
          event('push', 'application/vnd.oci.image.index.v1+json', `sha256:${'4'.repeat(64)}`),
        ],
      };
      const send = async (to: TestServer): Promise<{ status: number; body: { queued: { job: string }[]; ignored: number } }> => {
        const r = await fetch(`${to.url}/api/v1/registries/local/notifications`, {
          method: 'POST',
          headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${NOTIFY_TOKEN}` },
          body: JSON.stringify(envelope),
        });
        return { status: r.status, body: (await r.json()) as { queued: { job: string }[]; ignored: number } };
      };
      let first: Awaited<ReturnType<typeof send>>;
      try {
        first = await send(queuing);
        const again = await send(queuing);
        assert.equal(first.status, 202);
        assert.equal(first.body.queued.length, 1);
        assert.equal(first.body.ignored, 4);
        assert.equal(again.body.queued[0]?.job, first.body.queued[0]?.job);
        assert.equal((await queuing.ctx.jobs.list('registry-scan')).length, 1);
      } finally {
        await queuing.close();
      }
      // That digest is on no registry: run, the job fails with the registry's answer, in one line.
      const ran = await send(server);
      await settled(server);
      const job = await server.ctx.jobs.get(ran.body.queued[0]?.job ?? '');
      assert.equal(job?.state, 'failed');
      assert.match(job?.error ?? '', /team\/held/);
      assert.doesNotMatch(job?.error ?? '', /\n/);
    });

    it('a registry configured with a wrong password: the scan fails in one line that names no password', async () => {
      const digest = (JSON.parse(readFileSync(join(TESTBED, 'truth', 'alpine-3.10', 'image.json'), 'utf8')) as { manifestDigest: string }).manifestDigest;
      const envelope = {
        events: [{ action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/alpine', digest, tag: '3.10.9' } }],
      };
      const r = await fetch(`${server.url}/api/v1/registries/misconfigured/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${NOTIFY_TOKEN}` },
        body: JSON.stringify(envelope),
      });
      assert.equal(r.status, 202);
      const { queued } = (await r.json()) as { queued: { job: string }[] };
      await settled(server);
      const job = await server.ctx.jobs.get(queued[0]?.job ?? '');
      assert.equal(job?.state, 'failed');
      assert.match(job?.error ?? '', /wrong credentials for 127\.0\.0\.1:\d+/);
      assert.doesNotMatch(job?.error ?? '', new RegExp(`${WRONG_PASSWORD}|${env?.password}`));
    });

    it('a body that is not an envelope is a 400', async () => {
      const r = await fetch(`${server.url}/api/v1/registries/local/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${NOTIFY_TOKEN}` },
        body: '{"event":[]}',
      });
      assert.equal(r.status, 400);
    });

    it('the catalog lister pages through the real registry (Link headers), repositories and tags', async () => {
      const lister = new RegistryLister(host, host, { username: env?.user ?? '', password: env?.password ?? '' }, 1);
      const repositories: string[] = [];
      for await (const r of lister.repositories()) repositories.push(r);
      const tags: string[] = [];
      for await (const t of lister.tags('team/alpine')) tags.push(t);
      lister.close();
      assert.deepEqual(repositories, ['team/alpine', 'team/multi']);
      assert.deepEqual(tags.sort(), ['3.10.9', 'stable']);
    });

    it('a catalog rescan on demand finds an image whose notification never came, and skips the stored ones', async () => {
      push('alpine-3.20', '3.20.3', 'quiet/alpine:3.20.3', false, quietHost);
      const digest = (JSON.parse(readFileSync(join(TESTBED, 'truth', 'alpine-3.20', 'image.json'), 'utf8')) as { manifestDigest: string }).manifestDigest;
      await sleep(1000);
      assert.equal(await server.ctx.store.findImageByDigest('reg', digest), undefined, 'not scanned by a notification');
      const refused = await api(server, 'POST', '/api/v1/admin/registries/local/rescan', reader);
      assert.equal(refused.status, 403);
      const queued = await api(server, 'POST', '/api/v1/admin/registries/local/rescan', admin);
      assert.equal(queued.status, 202);
      const id = (queued.body.job as { id: string }).id;
      await waitFor('the rescan', 60, async () => (['succeeded', 'failed'].includes((await server.ctx.jobs.get(id))?.state ?? '') ? true : undefined));
      const job = await server.ctx.jobs.get(id);
      assert.equal(job?.state, 'succeeded', job?.error);
      // team/alpine: 2 tags, one digest; team/multi: 1 tag, 2 platforms; quiet/alpine: 1 tag.
      assert.deepEqual(job?.result, { repositories: 3, tags: 4, queued: 4, failed: [] });
      await settled(server);
      const image = await storedImage(digest);
      assert.equal(image.ref, `${host}/quiet/alpine:3.20.3@${digest}`);
      const rescans = (await scanJobs()).filter((j) => j.queuedAt >= (job?.startedAt ?? ''));
      assert.deepEqual(rescans.map((j) => (j.result?.skipped ? 'skipped' : j.state)).sort(), ['skipped', 'skipped', 'skipped', 'succeeded']);
      assert.equal((await api(server, 'POST', '/api/v1/admin/registries/nope/rescan', admin)).status, 404);
    });

    it('a registry with a rescan-interval is rescanned on schedule', async () => {
      const scheduled = await startTestServer(fixture, [], 0, {
        store,
        dataDir: join(fixture.work, 'scheduled'),
        db: { dbDir: fixture.dbDir, offline: true },
        registries: [
          parseRegistry(
            {
              name: 'every-second',
              url: `http://${host}`,
              project: 'sched',
              username: env?.user,
              'password-env': 'PLIMSOLL_TEST_REGISTRY_PASSWORD',
              'rescan-interval': '1s',
            },
            'registry',
          ),
        ],
      });
      try {
        // Every image manifest in the registry (team/alpine, quiet/alpine, both team/multi platforms) scanned, within 60 s.
        await waitFor('the scheduled rescan and its scans', 60, async () =>
          (await scheduled.ctx.store.listImages('sched', 10)).length === 4 ? true : undefined,
        );
        const catalogs = await scheduled.ctx.jobs.list('registry-catalog');
        assert.ok(catalogs.length >= 1 && catalogs.every((j) => j.state !== 'failed'), JSON.stringify(catalogs));
      } finally {
        await scheduled.close();
      }
    });
  });
