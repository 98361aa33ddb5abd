// `db push` / `db update --from oci://`: a database built from the real mirror, pushed to the
// testbed's password-protected registry (CNCF distribution), checked with skopeo, pulled back and
// compared by sha256 with the original file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DigestMismatchError, InputError, PlimsollError } from '../../src/errors.js';
import { SCHEMA_VERSION, openDatabase, runDbUpdate } from '../../src/vulndb/index.js';
import { DB_ANNOTATIONS, DB_ARTIFACT_TYPE, DB_LAYER_TYPE, pullDbFromRegistry, runDbPush } from '../../src/vulndb/oci.js';
import { startServer, type FakeServer } from '../image/registry/fake-registry.js';
import { needRegistry, registryEnv } from '../helpers/testbed.js';
import { MIRROR } from './mirror-truth.js';

const env = registryEnv();
const skip = (existsSync(join(MIRROR, 'osv')) ? undefined : `vulnerability mirror not found at ${MIRROR}`) ?? needRegistry();

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const tag = `test-${process.pid}-${Date.now().toString(36)}`;

let work: string;
let source: string;
/** Registry options with the testbed's credentials, and a docker config dir that holds none. */
let creds: { username: string; password: string; dockerConfigDir: string };
let ref: string;
const pushedDigests = new Set<string>();

function skopeoRaw(reference: string): { text: string; json: Record<string, unknown> } {
  const text = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', `${env?.user}:${env?.password}`, `docker://${reference}`], {
    encoding: 'utf8',
  });
  return { text, json: JSON.parse(text) as Record<string, unknown> };
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-oci-'));
  if (skip || !env) return;
  creds = { username: env.user, password: env.password, dockerConfigDir: work };
  ref = `${env.auth}/testbed/plimsoll-db:${tag}`;
  source = join(work, 'source');
  await runDbUpdate({ dbDir: source, mirror: MIRROR, quiet: true });
});
after(() => {
  rmSync(work, { recursive: true, force: true });
  // Every tag these tests push names one manifest; deleting it drops them all (the registry allows deletes).
  for (const digest of pushedDigests) {
    execFileSync('skopeo', ['delete', '--tls-verify=false', '--creds', `${env?.user}:${env?.password}`, `docker://${env?.auth}/testbed/plimsoll-db@${digest}`]);
  }
});

/** runDbPush, remembering what to delete afterwards. */
async function push(target: string, options: Parameters<typeof runDbPush>[1]): ReturnType<typeof runDbPush> {
  const result = await runDbPush(target, options);
  pushedDigests.add(result.digest);
  return result;
}

describe('db push and db update --from oci://', { skip }, () => {
  test('round trip through the registry: the pulled database is byte for byte the pushed one', async () => {
    const pushed = await push(ref, { dbDir: source, ...creds });
    const original = sha256(join(source, 'plimsoll.db'));
    assert.equal(pushed.manifest.sha256, original);

    // What the registry holds, as skopeo reads it: an OCI artifact manifest, with our digest.
    const raw = skopeoRaw(ref);
    assert.equal(`sha256:${createHash('sha256').update(raw.text).digest('hex')}`, pushed.digest);
    const manifest = raw.json as {
      mediaType: string;
      artifactType: string;
      config: { mediaType: string; digest: string; size: number };
      layers: { mediaType: string; digest: string; size: number }[];
      annotations: Record<string, string>;
    };
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(manifest.artifactType, DB_ARTIFACT_TYPE);
    // The OCI empty descriptor: the two bytes `{}`.
    assert.deepEqual(manifest.config, {
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: `sha256:${createHash('sha256').update('{}').digest('hex')}`,
      size: 2,
    });
    assert.equal(manifest.layers.length, 1);
    assert.equal(manifest.layers[0]?.mediaType, DB_LAYER_TYPE);
    assert.equal(manifest.layers[0]?.digest, pushed.layer.digest);
    assert.equal(manifest.annotations[DB_ANNOTATIONS.schemaVersion], String(SCHEMA_VERSION));
    assert.equal(manifest.annotations[DB_ANNOTATIONS.builtAt], pushed.manifest.builtAt);
    assert.equal(manifest.annotations[DB_ANNOTATIONS.sha256], `sha256:${original}`);

    const target = join(work, 'pulled');
    const pulled = await pullDbFromRegistry(`oci://${ref}`, { dbDir: target, ...creds });
    assert.equal(pulled.digest, pushed.digest);
    assert.equal(pulled.path, join(target, 'plimsoll.db'));
    assert.equal(sha256(pulled.path), original);
    assert.deepEqual(readdirSync(target).sort(), ['plimsoll.db'], 'no download left behind');

    const db = openDatabase(target);
    const before = openDatabase(source);
    try {
      assert.equal(db.builtAt, pushed.manifest.builtAt);
      const tokio = db.advisoriesFor('crates.io', 'tokio');
      assert.ok(tokio.length > 0);
      assert.deepEqual(tokio, before.advisoriesFor('crates.io', 'tokio'));
    } finally {
      db.close();
      before.close();
    }
  });

  test('the same database pushed under another tag is not uploaded again', async () => {
    const first = await push(ref, { dbDir: source, ...creds });
    const second = await push(`${env?.auth}/testbed/plimsoll-db:${tag}-again`, { dbDir: source, ...creds });
    assert.equal(first.layerUploaded, false, 'the first test pushed this export already');
    assert.equal(second.layerUploaded, false);
    assert.equal(second.layer.digest, first.layer.digest);
    assert.equal(second.digest, first.digest);
  });

  test('a pull by digest verifies the manifest it names', async () => {
    const { digest } = await push(ref, { dbDir: source, ...creds });
    const target = join(work, 'by-digest');
    const pulled = await pullDbFromRegistry(`oci://${env?.auth}/testbed/plimsoll-db@${digest}`, { dbDir: target, ...creds });
    assert.equal(sha256(pulled.path), sha256(join(source, 'plimsoll.db')));
  });

  test('a wrong password is one line, for push and for pull', async () => {
    const wrong = { ...creds, password: `${creds.password}-wrong` };
    const oneLine = (err: Error) => {
      assert.ok(err instanceof PlimsollError);
      assert.equal(err.message, `wrong credentials for ${env?.auth}`);
      return true;
    };
    await assert.rejects(runDbPush(ref, { dbDir: source, ...wrong }), oneLine);
    await assert.rejects(pullDbFromRegistry(`oci://${ref}`, { dbDir: join(work, 'wrong'), ...wrong }), oneLine);
    assert.equal(existsSync(join(work, 'wrong', 'plimsoll.db')), false);
  });

  test('an image that is not a database artifact is refused, naming its media type', async () => {
    const image = `${env?.auth}/testbed/alpine-3.20:3.20.3`;
    const config = (skopeoRaw(image).json as { config: { mediaType: string } }).config.mediaType;
    const target = join(work, 'not-db');
    await assert.rejects(pullDbFromRegistry(`oci://${image}`, { dbDir: target, ...creds }), (err: Error) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.message, `oci://${image}: not a Plimsoll database (config media type ${config}; expected artifact type ${DB_ARTIFACT_TYPE})`);
      return true;
    });
    assert.deepEqual(readdirSync(target), []);
  });

  test('a blob tampered with on the way is refused and the installed database left alone', async () => {
    const target = join(work, 'tamper');
    await pullDbFromRegistry(`oci://${ref}`, { dbDir: target, ...creds });
    const installed = sha256(join(target, 'plimsoll.db'));
    const layer = (skopeoRaw(ref).json as { layers: { digest: string }[] }).layers[0]?.digest ?? '';

    // A proxy in front of the real registry that flips one byte of the layer's blob.
    const proxy = await tamperingProxy(env?.auth ?? '', `/blobs/${layer}`);
    try {
      const via = `oci://${proxy.registry}/testbed/plimsoll-db:${tag}`;
      await assert.rejects(pullDbFromRegistry(via, { dbDir: target, ...creds }), (err: Error) => {
        assert.ok(err instanceof DigestMismatchError);
        assert.equal(err.expected, layer);
        assert.match(err.message, new RegExp(`^${via}: layer: digest mismatch: expected ${layer}, got sha256:[0-9a-f]{64}$`));
        return true;
      });
      assert.ok(
        proxy.requests.some((r) => r.path.endsWith(`/blobs/${layer}`)),
        'the blob came through the proxy',
      );
    } finally {
      await proxy.close();
    }
    assert.equal(sha256(join(target, 'plimsoll.db')), installed);
    assert.deepEqual(readdirSync(target).sort(), ['plimsoll.db']);
  });

  test('offline, a missing tag, a non-oci address and a missing database each get one line', async () => {
    await assert.rejects(
      pullDbFromRegistry(`oci://${ref}`, { dbDir: join(work, 'x'), offline: true }),
      /^PlimsollError: oci:\/\/127\.0\.0\.1:\d+\/testbed\/plimsoll-db:test-\S+: pulling the database from registry 127\.0\.0\.1:\d+ needs the network, but --offline is set; use 'db import FILE'$/,
    );
    await assert.rejects(runDbPush(ref, { dbDir: source, offline: true }), /needs the network, but --offline is set$/);
    await assert.rejects(pullDbFromRegistry(`oci://${ref}-missing`, { dbDir: join(work, 'x'), ...creds }), (err: Error) => {
      assert.equal(err.message, `oci://${ref}-missing: manifest unknown (tag not found)`);
      return true;
    });
    await assert.rejects(pullDbFromRegistry(`https://${ref}`, {}), (err: Error) => {
      assert.equal(err.message, `https://${ref}: expected oci://REGISTRY/REPO:TAG, not a https:// address`);
      return true;
    });
    await assert.rejects(runDbPush(ref, { dbDir: join(work, 'empty'), ...creds }), /empty\/plimsoll\.db: no vulnerability database; run 'plimsoll db update'/);
    await assert.rejects(
      runDbPush(`${env?.auth}/testbed/plimsoll-db@sha256:${'0'.repeat(64)}`, { dbDir: source, ...creds }),
      /needs a tag \(REGISTRY\/REPO:TAG\), not a digest$/,
    );
  });
});

/** A loopback HTTP proxy to `upstream` that flips one byte in the middle of responses whose path ends with `suffix`. */
function tamperingProxy(upstream: string, suffix: string): Promise<FakeServer> {
  const [host, port] = upstream.split(':');
  return startServer((req, res) => {
    const forward = http.request({ host, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (up) => {
      if (!req.url?.endsWith(suffix) || req.method !== 'GET' || up.statusCode !== 200) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (chunk: Buffer) => chunks.push(chunk));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        const middle = body.length >> 1;
        body[middle] = (body[middle] ?? 0) ^ 0xff;
        res.writeHead(200, up.headers);
        res.end(body);
      });
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
}
