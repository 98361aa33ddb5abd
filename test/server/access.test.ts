// Access control: every endpoint refuses a request without a valid token (401), with a token that
// lacks the scope (403), and with another project's token (404, as for a project that does not exist,
// so tokens cannot probe which projects exist). The admin endpoints are server-wide: a project's token
// without the admin scope gets 403 there. Tokens are stored hashed and printed once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parseAdmissionPolicies } from '../../src/server/admission/policy.js';
import { assertOneLineError, CLI } from '../helpers/cli.js';
import { api, createToken, makeFixture, npmRecord, sampleSbom, startTestServer, waitForJob, type Fixture, type TestServer, describeStores } from './helpers.js';

describeStores('access control', (store) => {
  const run = promisify(execFile);

  let fixture: Fixture;
  let server: TestServer;
  const tokens: Record<string, string> = {};
  let imageId = '';
  let jobId = '';

  before(async () => {
    fixture = await makeFixture([npmRecord('CVE-2099-0001', 'left-pad', '1.2.0')]);
    // A registry whose rescan the admin endpoints start (it is on no listening port: the job fails, which they do not wait for).
    server = await startTestServer(fixture, [], 0, {
      store,
      registries: [{ name: 'hub', host: '127.0.0.1:9', insecure: false, project: 'team-a', rescanIntervalMs: 0 }],
      admissionPolicies: parseAdmissionPolicies({ policies: { gate: { deny: { unscanned: true } } } }, 'test policies'),
    });
    tokens.submit = await createToken(server, 'team-a', ['submit']);
    tokens.read = await createToken(server, 'team-a', ['read']);
    tokens.both = await createToken(server, 'team-a', ['submit', 'read']);
    tokens.admission = await createToken(server, 'team-a', ['admission']);
    tokens.other = await createToken(server, 'team-b', ['submit', 'read', 'admission', 'admin']);
    tokens.admin = await createToken(server, undefined, ['admin']);
    const submitted = await api(server, 'POST', '/api/v1/projects/team-a/images', tokens.submit, sampleSbom());
    imageId = (submitted.body.image as { id: string }).id;
    const rematch = await api(server, 'POST', '/api/v1/admin/rematch', tokens.admin);
    jobId = (rematch.body.job as { id: string }).id;
    await waitForJob(server, tokens.admin, jobId);
  });
  after(async () => {
    await server.close();
    fixture.remove();
  });

  interface Endpoint {
    method: string;
    path: () => string;
    body?: () => unknown;
    /** The scope it needs; undefined: any valid token. */
    scope?: 'submit' | 'read' | 'admission' | 'admin';
    /** Whether it belongs to a project (so another project's token is refused). */
    project: boolean;
  }

  const ENDPOINTS: Endpoint[] = [
    { method: 'GET', path: () => '/api/v1/whoami', project: false },
    { method: 'POST', path: () => '/api/v1/projects/team-a/images', body: () => sampleSbom(), scope: 'submit', project: true },
    { method: 'GET', path: () => '/api/v1/projects/team-a/images', scope: 'read', project: true },
    { method: 'GET', path: () => `/api/v1/projects/team-a/images/${imageId}`, scope: 'read', project: true },
    { method: 'GET', path: () => '/api/v1/projects/team-a/vulnerabilities/CVE-2099-0001/images', scope: 'read', project: true },
    { method: 'GET', path: () => '/api/v1/projects/team-a/kev/images', scope: 'read', project: true },
    { method: 'GET', path: () => '/api/v1/projects/team-a/events?since=2000-01-01', scope: 'read', project: true },
    {
      method: 'POST',
      path: () => '/api/v1/projects/team-a/admission/gate',
      body: () => readFileSync(join(import.meta.dirname, '../fixtures/admission/pod-delete.json'), 'utf8'),
      scope: 'admission',
      project: true,
    },
    { method: 'GET', path: () => '/api/v1/projects/team-a/trend', scope: 'read', project: true },
    { method: 'POST', path: () => '/api/v1/admin/rematch', scope: 'admin', project: false },
    { method: 'GET', path: () => `/api/v1/admin/jobs/${jobId}`, scope: 'admin', project: false },
    { method: 'GET', path: () => '/api/v1/admin/registries', scope: 'admin', project: false },
    { method: 'POST', path: () => '/api/v1/admin/registries/hub/rescan', scope: 'admin', project: false },
  ];

  /** A token with every scope but this one, for this project. */
  function wrongScope(scope: string | undefined): string | undefined {
    return { submit: tokens.read, read: tokens.submit, admission: tokens.both, admin: tokens.both }[scope ?? ''];
  }

  const rightToken = (e: Endpoint): string => tokens[e.scope ?? 'read'] as string;

  describe('every endpoint', () => {
    for (const e of ENDPOINTS) {
      const name = `${e.method} ${e.path().replace(/[0-9a-f-]{36}/, ':id')}`;
      it(`${name}: 401 without a token, with a malformed one, and with a wrong secret`, async () => {
        const forged = `${(tokens.both as string).slice(0, 21)}${'A'.repeat(43)}`;
        for (const token of [undefined, 'not-a-token', forged]) {
          const r = await api(server, e.method, e.path(), token, e.body?.());
          assert.equal(r.status, 401, `${String(token).slice(0, 12)}: ${r.text}`);
          assert.match(r.body.error as string, /API token/);
        }
      });
      // whoami answers any valid token, so it has no scope to lack; admin endpoints are server-wide, not a project's.
      if (e.scope !== undefined) {
        it(`${name}: 403 with a token that lacks the scope`, async () => {
          const r = await api(server, e.method, e.path(), wrongScope(e.scope), e.body?.());
          assert.equal(r.status, 403, r.text);
          assert.match(r.body.error as string, new RegExp(`"${e.scope}" scope`));
        });
      }
      if (e.project) {
        it(`${name}: 404 with another project's token (which holds every scope)`, async () => {
          const r = await api(server, e.method, e.path(), tokens.other, e.body?.());
          assert.equal(r.status, 404, r.text);
          assert.deepEqual(r.body, { error: 'project team-a not found' });
        });
      }
      it(`${name}: allowed with the right token`, async () => {
        const r = await api(server, e.method, e.path(), rightToken(e), e.body?.());
        assert.ok(r.status === 200 || r.status === 202, `${r.status}: ${r.text}`);
      });
    }

    it('refuses before reading the body: no token and a broken body is 401, not 400', async () => {
      const r = await api(server, 'POST', '/api/v1/projects/team-a/images', undefined, '{"broken');
      assert.equal(r.status, 401);
    });

    it("another project's data is not in its answers", async () => {
      const r = await api(server, 'GET', '/api/v1/projects/team-b/images', tokens.other);
      assert.deepEqual(r.body.images, []);
      const cve = await api(server, 'GET', '/api/v1/projects/team-b/vulnerabilities/CVE-2099-0001/images', tokens.other);
      assert.deepEqual(cve.body.images, []);
    });
  });

  describe('tokens', () => {
    it('are stored as hashes: no secret is in the store', async () => {
      const file = await server.storeText();
      for (const token of Object.values(tokens)) {
        // plm_<16 hex id>_<secret>
        assert.ok(!file.includes(token.slice(21)), 'secret not stored');
        assert.ok(file.includes(token.slice(4, 20)), 'the id is (the look-up key)');
      }
    });

    it('`plimsoll server token create` prints a token once, which then works for its project and scopes', async () => {
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', CLI, 'server', 'token', 'create', ...server.storeArgs, '--project', 'team-c', '--scope', 'read'],
        { timeout: 60_000 },
      );
      const token = stdout.trim();
      assert.match(token, /^plm_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual((await api(server, 'GET', '/api/v1/whoami', token)).body, { project: 'team-c', scopes: ['read'] });
      assert.equal((await api(server, 'GET', '/api/v1/projects/team-c/images', token)).status, 200);
      assert.equal((await api(server, 'POST', '/api/v1/projects/team-c/images', token, sampleSbom())).status, 403);
    });

    it('refuses an unknown scope, and submit or read without a project, with one line and exit 2', async () => {
      const cli = async (...args: string[]) =>
        run(process.execPath, ['--import', 'tsx', CLI, 'server', 'token', 'create', ...server.storeArgs, ...args], { timeout: 60_000 }).then(
          (r) => ({ status: 0, stdout: r.stdout, stderr: r.stderr }),
          (err: { code: number; stdout: string; stderr: string }) => ({ status: err.code, stdout: err.stdout, stderr: err.stderr }),
        );
      assertOneLineError(await cli('--project', 'p', '--scope', 'write'), 'unknown scope "write"');
      assertOneLineError(await cli('--scope', 'read'), '--project');
      assertOneLineError(await cli('--project', 'Bad Name', '--scope', 'read'), 'not a project name');
    });
  });
});
