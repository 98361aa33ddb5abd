// The Kubernetes deployment gate, end to end: a server on HTTPS (a self-signed certificate made with
// openssl here), two images built here and scanned the real way (`plimsoll image --server`, which
// sends their config's created and User and their secret counts), and AdmissionReview documents
// (test/fixtures/admission, checked against the Kubernetes schemas first) answered per policy.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { ValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Scale } from 'kubernetes-models/autoscaling/v1/Scale';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Pod } from 'kubernetes-models/v1/Pod';
import { ReplicationController } from 'kubernetes-models/v1/ReplicationController';
import { loadAdmissionPolicies } from '../../src/server/admission/policy.js';
import { tagSpellings } from '../../src/server/admission/lookup.js';
import { parseDockerReference } from '../../src/image/reference.js';
import type { RunningServer } from '../../src/server/serve.js';
import type { OsvRecord } from '../../src/vulndb/index.js';
import { assertOneLineError, CLI, plimsoll } from '../helpers/cli.js';
import { gzLayer, writeLayout } from '../helpers/make-image.js';
import { fakeSecrets } from '../hardening/fake-secrets.js';
import { createToken, describeStores, makeFixture, npmRecord, sampleSbom, startTestServer, type Fixture } from './helpers.js';

const run = promisify(execFile);
const FIXTURES = join(import.meta.dirname, '../fixtures/admission');
const CRITICAL = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }];
const s = fakeSecrets();

/** HAND-WRITTEN records (helpers.ts): CVE-2099-0001 is CRITICAL, fixed in left-pad 1.2.0 and in the test KEV catalog; CVE-2099-0003 is CRITICAL with no fix. */
const RECORDS: OsvRecord[] = [
  { ...npmRecord('CVE-2099-0001', 'left-pad', '1.2.0'), severity: CRITICAL } as OsvRecord,
  {
    id: 'CVE-2099-0003',
    modified: '2099-01-01T00:00:00Z',
    summary: 'HAND-WRITTEN TEST RECORD for the Plimsoll server tests; not a real advisory: lodash, no fix',
    severity: CRITICAL,
    affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
  } as OsvRecord,
];

const POLICIES = `
policies:
  critical-fixed: { deny: { severity: CRITICAL, fixedOnly: true } }
  kev: { deny: { kev: true } }
  age: { deny: { maxAgeDays: 365 } }
  secrets: { deny: { secrets: true } }
  root: { deny: { root: true } }
  unscanned: { deny: { unscanned: true } }
  by-tag: { matchTags: true, deny: { unscanned: true, severity: HIGH } }
  closed: { failure: closed, timeoutMs: 300, deny: { severity: CRITICAL } }
  open: { failure: open, timeoutMs: 300, deny: { severity: CRITICAL } }
`;

let fixture: Fixture;
let server: RunningServer;
let work: string;
let cert: Buffer;
const tokens: Record<string, string> = {};
/** image role → a reference to it by digest, as a pod spec would name it */
const image: Record<string, string> = {};

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

/** One HTTPS request that trusts only the test's certificate. */
function post(path: string, token: string | undefined, body: string): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        ca: cert,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, body: JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const ajv = new Ajv({ strict: false, allErrors: true });
const validateReview = ajv.compile(JSON.parse(readFileSync(join(FIXTURES, 'admission-review-v1.schema.json'), 'utf8')) as object);

function assertAdmissionReview(doc: unknown): void {
  assert.ok(validateReview(doc), `not an AdmissionReview: ${ajv.errorsText(validateReview.errors)}`);
}

type Model = { new (data: object): { validate(): void } };
const MODELS: Record<string, Model> = {
  '/Pod': Pod,
  '/ReplicationController': ReplicationController,
  '/ConfigMap': ConfigMap,
  'apps/Deployment': Deployment,
  'apps/StatefulSet': StatefulSet,
  'apps/DaemonSet': DaemonSet,
  'apps/ReplicaSet': ReplicaSet,
  'batch/Job': Job,
  'batch/CronJob': CronJob,
  'autoscaling/Scale': Scale,
};

interface Review {
  request: { uid: string; kind: { group: string; kind: string }; object: Record<string, unknown> | null; oldObject?: Record<string, unknown> | null };
}

/** Checks a review against the AdmissionReview schema and its objects against the Kubernetes OpenAPI schema of their kind. */
function assertValid(review: Review): void {
  assertAdmissionReview(review);
  const { kind, object, oldObject } = review.request;
  const model = MODELS[`${kind.group}/${kind.kind}`];
  for (const o of [object, oldObject]) if (model && o) new model(o).validate();
}

/** A fixture with its `{{name}}` image slots filled, checked against the schemas. */
function fixtureReview(file: string, images: Record<string, string> = {}): Review {
  const text = readFileSync(join(FIXTURES, file), 'utf8').replace(/\{\{([a-z]+)\}\}/g, (_m, name: string) => {
    const ref = images[name];
    assert.ok(ref, `${file}: no image for {{${name}}}`);
    return ref;
  });
  const review = JSON.parse(text) as Review;
  assertValid(review);
  return review;
}

/** Sends a review under a policy; checks the answer is an AdmissionReview for the same uid. */
async function admit(
  policy: string,
  review: Review,
  token = tokens.admission,
): Promise<{ uid: string; allowed: boolean; status?: { code: number; message: string }; warnings?: string[] }> {
  const r = await post(`/api/v1/projects/team-a/admission/${policy}`, token, JSON.stringify(review));
  assert.equal(r.status, 200, r.text);
  assertAdmissionReview(r.body);
  const response = r.body.response as { uid: string; allowed: boolean; status?: { code: number; message: string }; warnings?: string[] };
  assert.equal(response.uid, review.request.uid);
  return response;
}

/** The Pod fixture running one image in all three slots. */
const podWith = (ref: string, more: Record<string, string> = {}): Review => fixtureReview('pod-create.json', { init: ref, web: ref, sidecar: ref, ...more });

async function scan(layout: string): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', CLI, 'image', `oci:${layout}:1.0`, '--server', server.url, '--format', 'json', '--quiet'], {
    env: {
      ...process.env,
      PLIMSOLL_SERVER_TOKEN: tokens.submit,
      NODE_EXTRA_CA_CERTS: join(work, 'cert.pem'),
      XDG_CACHE_HOME: join(work, 'cache'),
      PLIMSOLL_DB_MIRROR: '',
    },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

describeStores('the admission gate', (store) => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-admission-'));
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(work, 'key.pem'),
      '-out',
      join(work, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    );
    cert = readFileSync(join(work, 'cert.pem'));
    writeFileSync(join(work, 'policies.yaml'), POLICIES);
    fixture = await makeFixture(RECORDS);
    server = await startTestServer(fixture, [], 0, {
      store,
      tls: { cert: join(work, 'cert.pem'), key: join(work, 'key.pem') },
      admissionPolicies: loadAdmissionPolicies(join(work, 'policies.yaml')),
    });
    tokens.submit = await createToken(server, 'team-a', ['submit', 'read']);
    tokens.admission = await createToken(server, 'team-a', ['admission']);
    tokens.read = await createToken(server, 'team-a', ['read']);
    tokens.other = await createToken(server, 'team-b', ['admission', 'submit', 'read']);

    const npm = (name: string, version: string) => ({ name: `app/node_modules/${name}/package.json`, body: `{"name":"${name}","version":"${version}"}\n` });
    const clean = writeLayout([await gzLayer([npm('left-pad', '1.3.0')])], {
      tag: '1.0',
      config: { created: new Date().toISOString(), config: { User: '1000:1000' } },
    });
    const bad = writeLayout(
      [
        await gzLayer([
          npm('left-pad', '1.1.0'),
          npm('lodash', '4.17.0'),
          { name: 'app/.env', body: `AWS_ACCESS_KEY_ID=${s.awsKeyId}\nAWS_SECRET_ACCESS_KEY=${s.awsSecret}\n` },
        ]),
      ],
      { tag: '1.0', config: { created: '2019-03-01T00:00:00Z', config: { Env: ['PATH=/usr/bin:/bin'] } } },
    );
    await scan(clean);
    await scan(bad);
    const listed = await fetchImages();
    for (const [role, layout] of [
      ['clean', clean],
      ['bad', bad],
    ] as const) {
      const stored = listed.find((i) => i.ref === `oci:${layout}:1.0`);
      assert.ok(stored?.digest, `${role} image stored with a digest`);
      image[role] = `registry.example/shop/${role}@${stored.digest}`;
      rmSync(layout, { recursive: true, force: true });
    }
    // Scans submitted under tags, as a registry scan records them.
    for (const [ref, digest] of [
      ['registry.example/shop/web:2.0', 'd'],
      ['docker.io/library/nginx:1.25', 'e'],
    ] as const) {
      const r = await post('/api/v1/projects/team-a/images', tokens.submit, JSON.stringify(sampleSbom(ref, `sha256:${digest.repeat(64)}`)));
      assert.equal(r.status, 200, r.text);
    }
  });

  async function fetchImages(): Promise<{ ref: string; digest?: string; facts?: Record<string, unknown> }[]> {
    const url = new URL('/api/v1/projects/team-a/images', server.url);
    const text = await new Promise<string>((resolve, reject) => {
      httpsRequest({ host: url.hostname, port: url.port, path: url.pathname, ca: cert, headers: { authorization: `Bearer ${tokens.read}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
        .on('error', reject)
        .end();
    });
    return (JSON.parse(text) as { images: { ref: string; digest?: string; facts?: Record<string, unknown> }[] }).images;
  }

  after(async () => {
    await server?.close();
    fixture?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  describe('the fixtures are Kubernetes documents', () => {
    it("the Kubernetes docs' example review reads as an AdmissionReview once its `...` placeholders go", () => {
      const text = readFileSync(join(FIXTURES, 'k8s-docs-scale-review.yaml.txt'), 'utf8');
      const review = parseYaml(text.replaceAll(', ... }', ' }')) as Review;
      assertAdmissionReview(review);
      assert.equal(review.request.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
    });

    it("Kubernetes' own serialization of an AdmissionReview has the schema's field names (its fuzz-filled enum values aside)", () => {
      const doc = JSON.parse(readFileSync(join(FIXTURES, 'k8s-testdata-admissionreview-roundtrip.json'), 'utf8')) as unknown;
      assert.equal(validateReview(doc), false);
      assert.deepEqual((validateReview.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`).sort(), [
        '/request/operation enum',
        '/response/patchType enum',
      ]);
    });

    it('a broken document fails the schemas (the checks can fail)', () => {
      assert.equal(
        validateReview({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', kind: { group: '', kind: 'Pod' } } }),
        false,
      );
      const nameless: object = { spec: { containers: [{ image: 'nginx' }] } };
      assert.throws(() => new (Pod as Model)(nameless).validate(), /name/);
    });
  });

  describe('the server', () => {
    it('serves HTTPS only', async () => {
      await assert.rejects(fetch(server.url.replace('https:', 'http:')));
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    });

    it('stored what the client sent of each image: created, User and secret counts, never a value', async () => {
      const images = await fetchImages();
      const bad = images.find((i) => i.digest && image.bad?.endsWith(i.digest));
      const clean = images.find((i) => i.digest && image.clean?.endsWith(i.digest));
      assert.deepEqual(bad?.facts, { created: '2019-03-01T00:00:00Z', user: '', secrets: { 'PLM-SECRET-AWS-ACCESS-KEY-ID': 1, 'PLM-SECRET-DOTENV': 1 } });
      assert.equal(clean?.facts?.user, '1000:1000');
      assert.deepEqual(clean?.facts?.secrets, {});
      const text = JSON.stringify(images);
      for (const secret of [s.awsKeyId, s.awsSecret]) assert.ok(!text.includes(secret));
    });
  });

  describe('policies allow and deny', () => {
    it('critical-fixed: denies a CRITICAL with a fix, not one without; allows the clean image', async () => {
      assert.equal((await admit('critical-fixed', podWith(image.clean as string))).allowed, true);
      const denied = await admit('critical-fixed', fixtureReview('deployment-create.json', { api: image.bad as string }));
      assert.equal(denied.allowed, false);
      assert.equal(denied.status?.code, 403);
      assert.equal(
        denied.status?.message,
        `plimsoll policy critical-fixed denies Deployment api:\nimage ${image.bad} (container api, found by digest): 1 vulnerability at CRITICAL with a fix (CVE-2099-0001)`,
      );
    });

    it('kev: denies an image with a known-exploited vulnerability', async () => {
      assert.equal((await admit('kev', podWith(image.clean as string))).allowed, true);
      const r = await admit('kev', podWith(image.bad as string));
      assert.equal(r.allowed, false);
      assert.match(
        r.status?.message ?? '',
        /containers migrate, web, sidecar.*1 vulnerability in CISA's Known Exploited Vulnerabilities catalog \(CVE-2099-0001\)/,
      );
    });

    it('age: denies an image built more than 365 days ago, by its config', async () => {
      assert.equal((await admit('age', podWith(image.clean as string))).allowed, true);
      assert.match((await admit('age', podWith(image.bad as string))).status?.message ?? '', /built 2019-03-01, \d+ days ago \(limit 365\)/);
    });

    it('secrets: denies an image with secrets, saying how many of which rule, nothing more', async () => {
      assert.equal((await admit('secrets', podWith(image.clean as string))).allowed, true);
      const r = await admit('secrets', podWith(image.bad as string));
      assert.match(r.status?.message ?? '', /2 secrets found in the image \(PLM-SECRET-AWS-ACCESS-KEY-ID ×1, PLM-SECRET-DOTENV ×1\)$/);
    });

    it('root: the image User decides unless the pod sets runAsUser or runAsNonRoot', async () => {
      assert.equal((await admit('root', podWith(image.clean as string))).allowed, true);
      const root = await admit('root', podWith(image.bad as string));
      assert.match(root.status?.message ?? '', /runs as root \(image User "", and the pod sets neither runAsUser nor runAsNonRoot\)/);
      // The CronJob's pod sets runAsNonRoot: the kubelet refuses to start it as root, so the gate need not.
      assert.equal((await admit('root', fixtureReview('cronjob-create.json', { fetch: image.bad as string, report: image.bad as string }))).allowed, true);
      const asRoot = podWith(image.clean as string);
      ((asRoot.request.object?.spec as { containers: Record<string, unknown>[] }).containers[0] as Record<string, unknown>).securityContext = { runAsUser: 0 };
      assertValid(asRoot);
      const r = await admit('root', asRoot);
      assert.match(r.status?.message ?? '', /\(container web, found by digest\): runs as root \(runAsUser: 0\)$/);
    });

    it('unscanned: denies an image the project has no scan of, saying what was looked up', async () => {
      const unknown = `registry.example/shop/new@sha256:${'f'.repeat(64)}`;
      const r = await admit('unscanned', podWith(image.clean as string, { sidecar: unknown }));
      assert.equal(
        r.status?.message,
        `plimsoll policy unscanned denies Pod:\nimage ${unknown} (container sidecar): not scanned: no scan with digest sha256:${'f'.repeat(64)} in project team-a`,
      );
      const byTag = await admit('unscanned', podWith('registry.example/shop/web:2.0'));
      assert.match(byTag.status?.message ?? '', /not scanned: it names no digest \(image@sha256:…\), and this policy finds images by digest only/);
      // Without the unscanned rule an unknown image passes, with a warning.
      const allowed = await admit('kev', podWith(image.clean as string, { sidecar: unknown }));
      assert.equal(allowed.allowed, true);
      assert.deepEqual(allowed.warnings, [
        `plimsoll: image ${unknown} is not scanned (no scan with digest sha256:${'f'.repeat(64)} in project team-a); allowed by policy kev`,
      ]);
    });

    it('by-tag: finds scans by tag however the reference was spelled', async () => {
      const r = await admit('by-tag', podWith('registry.example/shop/web:2.0', { init: 'nginx:1.25', sidecar: 'registry.example/shop/other:1' }));
      const lines = (r.status?.message ?? '').split('\n').slice(1);
      assert.deepEqual(lines, [
        `image nginx:1.25 (container migrate, found by tag (the scan of docker.io/library/nginx:1.25, digest sha256:${'e'.repeat(64)})): 1 vulnerability at HIGH or above (CVE-2099-0001)`,
        `image registry.example/shop/web:2.0 (container web, found by tag (the scan of registry.example/shop/web:2.0, digest sha256:${'d'.repeat(64)})): 1 vulnerability at HIGH or above (CVE-2099-0001)`,
        'image registry.example/shop/other:1 (container sidecar): not scanned: no scan tagged registry.example/shop/other:1 in project team-a',
      ]);
    });

    it("another project's scans are not found", async () => {
      const r = await post('/api/v1/projects/team-b/admission/unscanned', tokens.other, JSON.stringify(podWith(image.clean as string)));
      assert.equal(r.status, 200);
      assert.match((r.body.response as { status: { message: string } }).status.message, /not scanned: no scan with digest \S+ in project team-b$/);
    });
  });

  describe('what is judged', () => {
    it('every workload kind: its pod template, containers, initContainers and ephemeralContainers', async () => {
      const deployment = fixtureReview('deployment-create.json', { api: image.bad as string });
      const template = (deployment.request.object?.spec as { template: object }).template;
      const kinds: [string, string, object][] = [
        ['apps', 'StatefulSet', { serviceName: 'api', selector: { matchLabels: { app: 'api' } }, template }],
        ['apps', 'DaemonSet', { selector: { matchLabels: { app: 'api' } }, template }],
        ['apps', 'ReplicaSet', { selector: { matchLabels: { app: 'api' } }, template }],
        ['batch', 'Job', { template: { ...template, spec: { ...(template as { spec: object }).spec, restartPolicy: 'Never' } } }],
        ['', 'ReplicationController', { selector: { app: 'api' }, template }],
      ];
      for (const [group, kind, spec] of kinds) {
        const review = structuredClone(deployment);
        review.request.kind = { group, kind, version: 'v1' } as Review['request']['kind'];
        review.request.object = { apiVersion: group ? `${group}/v1` : 'v1', kind, metadata: { name: 'api', namespace: 'shop' }, spec };
        assertValid(review);
        const r = await admit('root', review);
        assert.equal(r.allowed, false, kind);
        assert.match(r.status?.message ?? '', new RegExp(`denies ${kind} api:\\nimage .* \\(container api, `), kind);
      }
      const cron = await admit('critical-fixed', fixtureReview('cronjob-create.json', { fetch: image.bad as string, report: image.clean as string }));
      assert.match(cron.status?.message ?? '', /^plimsoll policy critical-fixed denies CronJob nightly-report:\nimage \S+ \(container fetch, /);
    });

    it('an UPDATE is judged on what it adds: kubectl debug adding an ephemeral container', async () => {
      const r = await admit('kev', fixtureReview('pod-update-ephemeral.json', { web: image.bad as string, debugger: image.bad as string }));
      assert.equal(r.allowed, false);
      assert.match(r.status?.message ?? '', /\(container debugger, /);
      assert.doesNotMatch(r.status?.message ?? '', /container web/);
    });

    it('DELETE, CONNECT and kinds that run no pod are allowed untouched', async () => {
      for (const file of ['pod-delete.json', 'pod-exec-connect.json', 'configmap-create.json']) {
        const r = await admit('unscanned', fixtureReview(file, { web: `registry.example/never@sha256:${'0'.repeat(64)}` }));
        assert.deepEqual(r, { uid: r.uid, allowed: true }, file);
      }
      const docs = parseYaml(readFileSync(join(FIXTURES, 'k8s-docs-scale-review.yaml.txt'), 'utf8').replaceAll(', ... }', ' }')) as Review;
      assert.equal((await admit('unscanned', docs)).allowed, true);
    });
  });

  describe('malformed reviews: 400 with a clear message', () => {
    const cases: [string, () => string, RegExp][] = [
      ['not JSON', () => '{"apiVersion": ', /JSON/i],
      [
        'no request uid',
        () =>
          JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            request: { kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, operation: 'CREATE' },
          }),
        /^not an admission\.k8s\.io\/v1 AdmissionReview: .*uid/,
      ],
      [
        "Kubernetes' fuzz-filled round-trip review (operation operationValue)",
        () => readFileSync(join(FIXTURES, 'k8s-testdata-admissionreview-roundtrip.json'), 'utf8'),
        /^not an admission\.k8s\.io\/v1 AdmissionReview: body\/request\/operation must be equal to one of the allowed values$/,
      ],
      [
        'admission.k8s.io/v1beta1',
        () => JSON.stringify({ ...podWith('x'), apiVersion: 'admission.k8s.io/v1beta1' }),
        /^not an admission\.k8s\.io\/v1 AdmissionReview: .*apiVersion/,
      ],
      [
        'containers not a list',
        () =>
          JSON.stringify({
            ...podWith('x'),
            request: { ...podWith('x').request, object: { kind: 'Pod', apiVersion: 'v1', spec: { containers: { name: 'web' } } } },
          }),
        /^request\.object\.spec\.containers: expected an array$/,
      ],
      [
        'a container without image',
        () =>
          JSON.stringify({
            ...podWith('x'),
            request: { ...podWith('x').request, object: { kind: 'Pod', apiVersion: 'v1', spec: { containers: [{ name: 'web' }] } } },
          }),
        /^request\.object\.spec\.containers\[0\]\.image: expected an image reference$/,
      ],
    ];
    for (const [name, body, message] of cases) {
      it(name, async () => {
        const r = await post('/api/v1/projects/team-a/admission/kev', tokens.admission, body());
        assert.equal(r.status, 400, r.text);
        assert.match(r.body.error as string, message);
      });
    }

    it('an unknown policy is a 404 naming the configured ones', async () => {
      const r = await post('/api/v1/projects/team-a/admission/nope', tokens.admission, JSON.stringify(podWith(image.clean as string)));
      assert.equal(r.status, 404);
      assert.match(r.body.error as string, /^no admission policy nope \(configured: critical-fixed, kev, /);
    });
  });

  describe('plimsoll server refuses bad gate settings with one line and exit 2', () => {
    const serve = (...args: string[]) => plimsoll('server', '--data-dir', join(work, 'refused'), '--port', '0', '--offline', ...args);
    it("--tls-cert without --tls-key, a missing file, a key that is not the certificate's", () => {
      assertOneLineError(serve('--tls-cert', join(work, 'cert.pem')), '--tls-cert and --tls-key go together');
      assertOneLineError(serve('--tls-cert', join(work, 'none.pem'), '--tls-key', join(work, 'key.pem')), `--tls-cert ${join(work, 'none.pem')}`, 'ENOENT');
      openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', join(work, 'other-key.pem'));
      assertOneLineError(serve('--tls-cert', join(work, 'cert.pem'), '--tls-key', join(work, 'other-key.pem')), '--tls-cert', 'mismatch');
    });
    it('an unknown policy setting, an unknown severity, a policy file that is not YAML', () => {
      const file = join(work, 'bad-policies.yaml');
      writeFileSync(file, 'policies:\n  prod:\n    deny: { severity: CRITICAL, kevv: true }\n');
      assertOneLineError(serve('--admission-policies', file), 'policies.prod.deny: unknown setting "kevv"');
      writeFileSync(file, 'policies:\n  prod:\n    deny: { severity: SEVERE }\n');
      assertOneLineError(serve('--admission-policies', file), "policies.prod.deny.severity: unknown severity 'SEVERE'");
      writeFileSync(file, 'policies: [\n');
      assertOneLineError(serve('--admission-policies', file), `--admission-policies ${file}`);
    });
    it('a policy name outside the route pattern is a 400 naming the parameter', async () => {
      const r = await post('/api/v1/projects/team-a/admission/Not_A_Policy', tokens.admission, JSON.stringify(podWith(image.clean as string)));
      assert.equal(r.status, 400);
      assert.match(r.body.error as string, /^params\/policy must match pattern/);
    });
  });

  describe('access', () => {
    const path = '/api/v1/projects/team-a/admission/kev';
    it('401 without a token', async () => {
      assert.equal((await post(path, undefined, JSON.stringify(podWith(image.clean as string)))).status, 401);
    });
    it('403 with a token that lacks the admission scope', async () => {
      const r = await post(path, tokens.read, JSON.stringify(podWith(image.clean as string)));
      assert.equal(r.status, 403);
      assert.match(r.body.error as string, /"admission" scope/);
    });
    it("404 with another project's admission token", async () => {
      const r = await post(path, tokens.other, JSON.stringify(podWith(image.clean as string)));
      assert.deepEqual([r.status, r.body], [404, { error: 'project team-a not found' }]);
    });
  });

  describe('failure modes and the time budget', () => {
    it('past the budget: fail-closed denies, fail-open allows with a warning, both within the budget', async () => {
      const store = server.ctx.store;
      const real = store.findImage.bind(store);
      store.findImage = async (...args) => {
        await new Promise((r) => setTimeout(r, 2000));
        return real(...args);
      };
      try {
        const started = Date.now();
        const closed = await admit('closed', podWith(image.clean as string));
        assert.ok(Date.now() - started < 1500, `answered after ${Date.now() - started} ms`);
        assert.deepEqual([closed.allowed, closed.status?.code], [false, 503]);
        assert.equal(
          closed.status?.message,
          'plimsoll policy closed could not be evaluated (it took longer than its 300 ms budget); denied: the policy fails closed',
        );
        const open = await admit('open', podWith(image.clean as string));
        assert.equal(open.allowed, true);
        assert.deepEqual(open.warnings, [
          'plimsoll policy open could not be evaluated (it took longer than its 300 ms budget); allowed: the policy fails open',
        ]);
      } finally {
        store.findImage = real;
      }
    });

    it('a store error: answered per the failure mode, saying so', async () => {
      const store = server.ctx.store;
      const real = store.findImage.bind(store);
      store.findImage = async () => {
        throw new Error('SQLITE_IOERR: disk I/O error');
      };
      try {
        assert.match(
          (await admit('closed', podWith(image.clean as string))).status?.message ?? '',
          /could not be evaluated \(the store failed\); denied: the policy fails closed/,
        );
        assert.equal((await admit('open', podWith(image.clean as string))).allowed, true);
      } finally {
        store.findImage = real;
      }
    });
  });
});

describe('image references', () => {
  it('a Docker Hub tag has every spelling a scan may have been submitted under, and no other', () => {
    const spellings = tagSpellings(parseDockerReference('nginx:1.25', 'nginx:1.25') as Parameters<typeof tagSpellings>[0]);
    for (const s of ['nginx:1.25', 'library/nginx:1.25', 'docker.io/library/nginx:1.25', 'docker://nginx:1.25', 'index.docker.io/nginx:1.25'])
      assert.ok(spellings.includes(s), s);
    assert.ok(!spellings.some((s) => s.includes('nginx:latest') || s.includes('other')));
    const latest = tagSpellings(parseDockerReference('registry.example/app', 'registry.example/app') as Parameters<typeof tagSpellings>[0]);
    assert.deepEqual(latest.sort(), [
      'docker://registry.example/app',
      'docker://registry.example/app:latest',
      'registry.example/app',
      'registry.example/app:latest',
    ]);
  });
});

describe('docs/server.md', () => {
  it('its ValidatingWebhookConfiguration example is valid for Kubernetes', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/server.md'), 'utf8');
    const block = /```yaml\n(apiVersion: admissionregistration\.k8s\.io\/v1\nkind: ValidatingWebhookConfiguration\n[\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(block, 'the example is in docs/server.md');
    const config = parseYaml(block) as object;
    new ValidatingWebhookConfiguration(config).validate();
    const webhook = (config as { webhooks: { failurePolicy: string; timeoutSeconds: number; admissionReviewVersions: string[] }[] }).webhooks[0];
    assert.deepEqual(webhook?.admissionReviewVersions, ['v1']);
    assert.ok(webhook.timeoutSeconds >= 3, 'leaves the default 2 s budget room');
  });
});
