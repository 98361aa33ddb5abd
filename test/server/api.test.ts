// The HTTP API on a loopback port: a submitted SBOM is matched against the server's own database and
// answered with the JSON report's vulnerabilities[]; the stored images answer the fleet questions;
// bad input is a 4xx with a one-line JSON error; the OpenAPI document names every route.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server/serve.js';
import { readSbom } from '../../src/server/sbom.js';
import {
  alpineRecord,
  api,
  createToken,
  LAYER0,
  LAYER1,
  makeFixture,
  npmRecord,
  sampleSbom,
  startTestServer,
  type Fixture,
  describeStores,
} from './helpers.js';

describeStores('the API', (store) => {
  let fixture: Fixture;
  let server: RunningServer;
  let token: string;

  before(async () => {
    fixture = await makeFixture([
      npmRecord('CVE-2099-0001', 'left-pad', '1.2.0'),
      alpineRecord('CVE-2099-0100', 'musl', '1.1.22-r4'),
      { ...npmRecord('GHSA-test-0002-aaaa', 'is-odd', '3.0.0'), aliases: ['CVE-2099-0002'] },
    ]);
    server = await startTestServer(fixture, [], 0, { store });
    token = await createToken(server, 'team-a', ['submit', 'read']);
  });
  after(async () => {
    await server.close();
    fixture.remove();
  });

  describe('the SBOM read back', () => {
    it('gives the packages, OS, layers and metadata the SBOM writer wrote', () => {
      const inventory = readSbom(sampleSbom());
      assert.equal(inventory.ref, 'registry.example/app:1.0');
      assert.deepEqual(inventory.os, { family: 'alpine', version: '3.10.9' });
      assert.deepEqual(inventory.layers, [LAYER0, LAYER1]);
      const musl = inventory.packages.find((p) => p.name === 'musl');
      assert.deepEqual(musl?.source, { name: 'musl', version: '1.1.22-r3' });
      assert.deepEqual(musl?.locations, [{ path: 'lib/apk/db/installed', layer: { index: 0, digest: LAYER0 } }]);
      assert.equal(inventory.packages.find((p) => p.name === 'is-odd')?.metadata?.dev, true);
      assert.deepEqual(
        inventory.packages.map((p) => p.type),
        ['apk', 'npm', 'npm'],
      );
    });
  });

  describe('submission', () => {
    it('answers with the vulnerabilities of the JSON report, matched by the server', async () => {
      const r = await api(server, 'POST', '/api/v1/projects/team-a/images', token, sampleSbom());
      assert.equal(r.status, 200, r.text);
      const vulns = r.body.vulnerabilities as { id: string; packageName: string; fixedVersion?: string; kev?: object; layer?: string; matchedBy: string }[];
      assert.deepEqual(vulns.map((v) => [v.id, v.packageName, v.fixedVersion, v.matchedBy]).sort(), [
        ['CVE-2099-0001', 'left-pad', '1.2.0', 'ecosystem'],
        ['CVE-2099-0002', 'is-odd', '3.0.0', 'ecosystem'],
        ['CVE-2099-0100', 'musl', '1.1.22-r4', 'distro'],
      ]);
      assert.ok(vulns.find((v) => v.id === 'CVE-2099-0001')?.kev, 'KEV facts from the server database');
      assert.equal(vulns.find((v) => v.id === 'CVE-2099-0100')?.layer, LAYER0);
      assert.ok(Array.isArray((r.body.coverage as { entries: unknown[] }).entries));
    });

    it('lists the image with its counts, and answers which images have a CVE (also by alias) and which have KEV entries', async () => {
      const list = await api(server, 'GET', '/api/v1/projects/team-a/images', token);
      const images = list.body.images as { id: string; packages: number; knownExploited: number; vulnerabilities: Record<string, number> }[];
      assert.equal(images.length, 1);
      assert.equal(images[0]?.packages, 3);
      assert.equal(images[0]?.knownExploited, 1);
      const id = images[0]?.id as string;
      const one = await api(server, 'GET', `/api/v1/projects/team-a/images/${id}`, token);
      assert.equal((one.body.vulnerabilities as unknown[]).length, 3);

      const byCve = await api(server, 'GET', '/api/v1/projects/team-a/vulnerabilities/CVE-2099-0100/images', token);
      assert.deepEqual(
        (byCve.body.images as { image: { id: string } }[]).map((i) => i.image.id),
        [id],
      );
      const byAlias = await api(server, 'GET', '/api/v1/projects/team-a/vulnerabilities/GHSA-test-0002-aaaa/images', token);
      assert.deepEqual(
        (byAlias.body.images as { vulnerabilities: { id: string }[] }[]).flatMap((i) => i.vulnerabilities.map((v) => v.id)),
        ['CVE-2099-0002'],
      );
      const none = await api(server, 'GET', '/api/v1/projects/team-a/vulnerabilities/CVE-2099-9999/images', token);
      assert.deepEqual(none.body.images, []);

      const kev = await api(server, 'GET', '/api/v1/projects/team-a/kev/images', token);
      assert.deepEqual(
        (kev.body.images as { vulnerabilities: { id: string }[] }[]).flatMap((i) => i.vulnerabilities.map((v) => v.id)),
        ['CVE-2099-0001'],
      );
    });

    it('records no events for a first submission, and the change when the same image comes again with a package upgraded', async () => {
      const since = new Date().toISOString();
      const sbom = sampleSbom() as { components: { name: string; version: string; purl: string }[] };
      const leftPad = sbom.components.find((c) => c.name === 'left-pad');
      assert.ok(leftPad);
      leftPad.version = '1.3.0';
      leftPad.purl = 'pkg:npm/left-pad@1.3.0';
      assert.equal((await api(server, 'POST', '/api/v1/projects/team-a/images', token, sbom)).status, 200);
      const events = await api(server, 'GET', `/api/v1/projects/team-a/events?since=${since}`, token);
      assert.deepEqual(
        (events.body.events as { kind: string; cause: string; vulnerability: { id: string; installedVersion: string } }[]).map((e) => [
          e.kind,
          e.cause,
          e.vulnerability.id,
          e.vulnerability.installedVersion,
        ]),
        [['resolved', 'submit', 'CVE-2099-0001', '1.1.0']],
      );
      const earlier = await api(server, 'GET', '/api/v1/projects/team-a/events?since=2000-01-01', token);
      assert.equal((earlier.body.events as unknown[]).length, 1, 'the first submission recorded none');
    });
  });

  describe('bad input: a 4xx with a one-line JSON error', () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      ['not JSON', 'POST', '{"bomFormat": ', 400, /JSON/],
      ['not CycloneDX', 'POST', { hello: 'world' }, 400, /not a CycloneDX document/],
      ['no image', 'POST', { bomFormat: 'CycloneDX', specVersion: '1.6' }, 400, /metadata\.component/],
      [
        'a bad digest',
        'POST',
        { bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { component: { name: 'x', version: 'latest' } } },
        400,
        /not a sha256 digest/,
      ],
      [
        'a bad purl',
        'POST',
        {
          bomFormat: 'CycloneDX',
          specVersion: '1.6',
          metadata: { component: { name: 'x' } },
          components: [{ type: 'library', name: 'a', version: '1', purl: 'npm:a' }],
        },
        400,
        /components\[0\]\.purl/,
      ],
      [
        'a component that is not an object',
        'POST',
        { bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { component: { name: 'x' } }, components: [7] },
        400,
        /components\[0\]/,
      ],
    ];
    for (const [what, method, body, status, message] of cases) {
      it(what, async () => {
        const r = await api(server, method, '/api/v1/projects/team-a/images', token, body);
        assert.equal(r.status, status, r.text);
        assert.deepEqual(Object.keys(r.body), ['error']);
        assert.match(r.body.error as string, message);
        assert.doesNotMatch(r.text, /\\n|\n|at .*\.ts/, 'one line, no stack');
      });
    }

    it('an SBOM far above the 64 KiB limit of other bodies is taken (1,000 packages)', async () => {
      const sbom = sampleSbom('registry.example/big:1.0', `sha256:${'d'.repeat(64)}`) as { components: Record<string, unknown>[] };
      for (let i = 0; i < 1000; i++)
        sbom.components.push({ type: 'library', 'bom-ref': `npm:pkg-${i}@1.0.0`, name: `pkg-${i}`, version: '1.0.0', purl: `pkg:npm/pkg-${i}@1.0.0` });
      assert.ok(JSON.stringify(sbom).length > 64 * 1024);
      const r = await api(server, 'POST', '/api/v1/projects/team-a/images', token, sbom);
      assert.equal(r.status, 200, r.text.slice(0, 200));
      const images = (await api(server, 'GET', '/api/v1/projects/team-a/images', token)).body.images as { ref: string; packages: number }[];
      assert.equal(images.find((i) => i.ref === 'registry.example/big:1.0')?.packages, 1003);
    });

    it('a body over the limit is refused with 413 before it is read', async () => {
      const big = JSON.stringify({ bomFormat: 'CycloneDX', pad: 'x'.repeat(33 * 1024 * 1024) });
      const r = await api(server, 'POST', '/api/v1/projects/team-a/images', token, big);
      assert.equal(r.status, 413);
      assert.deepEqual(Object.keys(r.body), ['error']);
    });

    it('a bad since, limit, project name or image id, and an unknown route', async () => {
      for (const [path, status] of [
        ['/api/v1/projects/team-a/events?since=yesterday', 400],
        ['/api/v1/projects/team-a/events', 400],
        ['/api/v1/projects/team-a/images?limit=0', 400],
        ['/api/v1/projects/team-a/images?limit=100000', 400],
        ['/api/v1/projects/team-a/images/not-an-id', 400],
        [`/api/v1/projects/team-a/images/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`, 404],
        ['/api/v1/nothing-here', 404],
      ] as const) {
        const r = await api(server, 'GET', path, token);
        assert.equal(r.status, status, `${path}: ${r.text}`);
        assert.deepEqual(Object.keys(r.body), ['error'], path);
      }
    });
  });

  describe('health, readiness and the OpenAPI document', () => {
    it('healthz and readyz answer without a token', async () => {
      assert.deepEqual((await api(server, 'GET', '/healthz')).body, { status: 'ok' });
      const ready = await api(server, 'GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.status, 'ready');
    });

    it('names every API route with its bearer security', async () => {
      const doc = (await api(server, 'GET', '/api/v1/openapi.json')).body as {
        openapi: string;
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };
      assert.equal(doc.openapi, '3.0.3');
      assert.deepEqual(Object.keys(doc.paths).sort(), [
        '/api/v1/admin/jobs/{id}',
        '/api/v1/admin/registries',
        '/api/v1/admin/registries/{name}/rescan',
        '/api/v1/admin/rematch',
        '/api/v1/projects/{project}/admission/{policy}',
        '/api/v1/projects/{project}/events',
        '/api/v1/projects/{project}/images',
        '/api/v1/projects/{project}/images/{id}',
        '/api/v1/projects/{project}/kev/images',
        '/api/v1/projects/{project}/trend',
        '/api/v1/projects/{project}/vulnerabilities/{id}/images',
        '/api/v1/registries/{name}/notifications',
        '/api/v1/whoami',
        '/healthz',
        '/metrics',
        '/readyz',
      ]);
      for (const [path, ops] of Object.entries(doc.paths)) {
        // A registry's notifier presents that registry's notify token, not an API token.
        const security = path.startsWith('/api/v1/registries/') ? [{ notifyToken: [] }] : [{ bearer: [] }];
        if (path.startsWith('/api/')) for (const op of Object.values(ops)) assert.deepEqual(op.security, security, path);
      }
    });
  });
});
