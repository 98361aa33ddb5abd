// The registry source against small loopback servers: what the testbed registry cannot show.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DigestMismatchError, PlimsollError } from '../../../src/errors.js';
import { parseReference, type ImageReference } from '../../../src/image/reference.js';
import { openRegistryImage } from '../../../src/image/sources/registry.js';
import type { DownloadProgress, ResolvedImage, SourceOptions } from '../../../src/image/types.js';
import { drain, handMadeImage, serveImage, sha256, startServer, type FakeServer } from './fake-registry.js';

const image = handMadeImage();
const REPO = 'hand/made';
// No docker config: tests must not see the machine's credentials.
const noConfig = mkdtempSync(join(tmpdir(), 'plimsoll-noconfig-'));

function open(registry: string, options: SourceOptions = {}, suffix = ':1.0'): Promise<ResolvedImage> {
  const text = `docker://${registry}/${REPO}${suffix}`;
  const ref = parseReference(text) as Extract<ImageReference, { transport: 'docker' }>;
  return openRegistryImage(ref, text, { dockerConfigDir: noConfig, ...options });
}

async function readAllLayers(img: ResolvedImage): Promise<number[]> {
  const sizes: number[] = [];
  for (const layer of img.layers) sizes.push(await drain(await layer.open()));
  return sizes;
}

const servers: FakeServer[] = [];
async function serve(...args: Parameters<typeof startServer>): Promise<FakeServer> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('bearer token realm', () => {
  const token = 'tok-123';
  let tokenServer: FakeServer;
  let registry: FakeServer;
  before(async () => {
    tokenServer = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        // GET carries the parameters in the query; the refresh_token grant POSTs them as a form.
        const params = req.method === 'POST' ? new URLSearchParams(body) : new URL(req.url ?? '', 'http://x').searchParams;
        const basic = req.headers.authorization;
        if (params.get('service') !== 'fake' || params.get('scope') !== `repository:${REPO}:pull`) res.writeHead(400).end();
        else if (req.method === 'POST') {
          if (params.get('grant_type') === 'refresh_token' && params.get('refresh_token') === 'id-token') res.end(JSON.stringify({ access_token: token }));
          else res.writeHead(401).end();
        } else if (basic === undefined || basic === `Basic ${Buffer.from('alice:secret').toString('base64')}`) {
          // Anonymous pulls get a token too, as on Docker Hub; this answer uses the OAuth2 field name.
          res.end(JSON.stringify(basic ? { token } : { access_token: token }));
        } else res.writeHead(401).end();
      });
    });
    registry = await serve((req, res) => {
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="http://127.0.0.1:${tokenServer.port}/token",service="fake",scope="repository:${REPO}:pull"`,
        });
        res.end();
      } else if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    });
  });

  it('pulls anonymously with a token from the realm', async () => {
    const img = await open(registry.registry);
    assert.equal(img.digest, image.manifestDigest);
    assert.equal(img.configDigest, image.configDigest);
    assert.deepEqual(await readAllLayers(img), [image.layer.length]);
    await img.close();
    assert.equal(tokenServer.requests.at(-1)?.headers.authorization, undefined);
  });

  it('sends --username/--password to the token endpoint', async () => {
    const img = await open(registry.registry, { username: 'alice', password: 'secret' });
    assert.equal(img.digest, image.manifestDigest);
    await img.close();
    assert.equal(tokenServer.requests.at(-1)?.headers.authorization, `Basic ${Buffer.from('alice:secret').toString('base64')}`);
  });

  it('a wrong password at the token endpoint is one line naming the registry, exit 2', async () => {
    await assert.rejects(open(registry.registry, { username: 'alice', password: 'nope' }), (err: Error) => {
      assert.ok(err instanceof PlimsollError);
      assert.equal(err.message, `wrong credentials for ${registry.registry}`);
      assert.equal(err.exitCode, 2);
      return true;
    });
  });

  it('trades an identity token from docker config.json (refresh_token grant)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plimsoll-dockercfg-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [registry.registry]: { identitytoken: 'id-token' } } }));
    const img = await open(registry.registry, { dockerConfigDir: dir });
    assert.equal(img.digest, image.manifestDigest);
    await img.close();
    assert.equal(tokenServer.requests.at(-1)?.method, 'POST');
  });
});

describe('token expiry', () => {
  it('renews an expired Bearer token once and carries on', async () => {
    let issued = 0;
    const tokens = await serve((_req, res) => res.end(JSON.stringify({ token: `t${++issued}` })));
    const registry = await serve((req, res) => {
      // t1 expires once the manifest is read; blobs need the renewed t2.
      const valid = req.url?.includes('/blobs/') ? 'Bearer t2' : 'Bearer t1';
      if (req.url !== '/v2/' && req.headers.authorization !== valid) {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${tokens.port}/token",service="fake"` }).end();
      } else if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    });
    const img = await open(registry.registry);
    assert.deepEqual(await readAllLayers(img), [image.layer.length]);
    await img.close();
    assert.equal(issued, 2);
  });
});

describe('retries and redirects', () => {
  it('retries a 429 (honouring Retry-After) and a dropped connection, then succeeds', async () => {
    let manifestHits = 0;
    let blobHits = 0;
    const registry = await serve((req, res) => {
      if (req.url === `/v2/${REPO}/manifests/1.0` && ++manifestHits === 1) {
        res.writeHead(429, { 'retry-after': '0' }).end();
      } else if (req.url === `/v2/${REPO}/blobs/${image.layerDigest}` && ++blobHits === 1) {
        req.socket.destroy();
      } else if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    });
    const img = await open(registry.registry);
    assert.equal(img.digest, image.manifestDigest);
    assert.deepEqual(await readAllLayers(img), [image.layer.length]);
    await img.close();
    assert.equal(manifestHits, 2);
    assert.equal(blobHits, 2);
  });

  it('resumes a blob whose connection breaks off mid-way with a Range request', async () => {
    const half = image.layer.length / 2;
    let blobHits = 0;
    const registry = await serve((req, res) => {
      if (req.url === `/v2/${REPO}/blobs/${image.layerDigest}`) {
        const range = req.headers.range;
        if (++blobHits === 1) {
          // Headers only, then the connection drops: the retry asks for the whole blob again.
          res.writeHead(200, { 'content-length': image.layer.length });
          res.flushHeaders();
          setTimeout(() => req.socket.destroy(), 20);
        } else if (range === undefined) {
          // Half the bytes, then the connection drops.
          res.writeHead(200, { 'content-length': image.layer.length });
          res.write(image.layer.subarray(0, half), () => req.socket.destroy());
        } else {
          const from = Number(/^bytes=(\d+)-$/.exec(range)?.[1]);
          res.writeHead(206, { 'content-range': `bytes ${from}-${image.layer.length - 1}/${image.layer.length}` });
          res.end(image.layer.subarray(from));
        }
      } else if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    });
    const img = await open(registry.registry);
    assert.deepEqual(await readAllLayers(img), [image.layer.length]);
    await img.close();
    const ranges = registry.requests.filter((r) => r.headers.range).map((r) => r.headers.range);
    assert.equal(ranges.length, 1);
    assert.equal(blobHits, 3);
    assert.match(ranges[0] ?? '', /^bytes=[1-9]\d*-$/);
  });

  it('a blob that breaks off and cannot be resumed is a one-line error naming it', async () => {
    const registry = await serve((req, res) => {
      if (req.url === `/v2/${REPO}/blobs/${image.layerDigest}`) {
        res.writeHead(200, { 'content-length': image.layer.length });
        res.write(image.layer.subarray(0, 1000), () => req.socket.destroy());
      } else if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    });
    const img = await open(registry.registry);
    const layer = img.layers[0];
    assert.ok(layer);
    await assert.rejects(drain(await layer.open()), {
      name: 'PlimsollError',
      message: `docker://${registry.registry}/${REPO}:1.0: download of blob ${image.layerDigest} broke off after 1000 bytes (ECONNRESET)`,
    });
    await img.close();
  });

  it('gives up after a bounded number of 503s with a one-line error', async () => {
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') res.end('{}');
      else res.writeHead(503, { 'retry-after': '0' }).end();
    });
    await assert.rejects(open(registry.registry), /: 127\.0\.0\.1:\d+ answered HTTP 503 for manifest 1\.0$/);
    assert.equal(registry.requests.filter((r) => r.path.includes('/manifests/')).length, 5);
  });

  it('follows a blob redirect to another origin without the Authorization header', async () => {
    const storage = await serve((req, res) => {
      const digest = req.url?.slice('/storage/'.length);
      if (digest === image.layerDigest) res.end(image.layer);
      else res.writeHead(404).end();
    });
    const credentials = `Basic ${Buffer.from('bob:pw').toString('base64')}`;
    const registry = await serve((req, res) => {
      if (req.headers.authorization !== credentials) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' }).end();
      } else if (req.url === `/v2/${REPO}/blobs/${image.layerDigest}`) {
        res.writeHead(307, { location: `http://127.0.0.1:${storage.port}/storage/${image.layerDigest}` }).end();
      } else if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    });
    const img = await open(registry.registry, { username: 'bob', password: 'pw' });
    assert.deepEqual(await readAllLayers(img), [image.layer.length]);
    await img.close();
    assert.equal(storage.requests.length, 1);
    assert.equal(storage.requests[0]?.headers.authorization, undefined);
    assert.equal(registry.requests.at(-1)?.headers.authorization, credentials);
  });
});

describe('digests', () => {
  it('a blob whose bytes do not match its digest fails at the end of the stream, naming the digest', async () => {
    const corrupt = Buffer.from(image.layer);
    corrupt[1000] = 0x21;
    const registry = await serve((req, res) => {
      if (!serveImage(image, REPO, req, res, { [image.layerDigest]: corrupt })) res.writeHead(404).end();
    });
    const img = await open(registry.registry);
    const layer = img.layers[0];
    assert.ok(layer);
    await assert.rejects(drain(await layer.open()), (err: Error) => {
      assert.ok(err instanceof DigestMismatchError);
      assert.ok(err.message.includes(image.layerDigest), err.message);
      assert.equal(err.actual, sha256(corrupt));
      return true;
    });
    await img.close();
  });

  it('an unknown repository (NAME_UNKNOWN, as distribution 3 and GHCR answer) says so', async () => {
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') res.end('{}');
      else
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }));
    });
    await assert.rejects(open(registry.registry), {
      message: `docker://${registry.registry}/${REPO}:1.0: repository ${REPO} not found on ${registry.registry}`,
    });
  });

  it('a manifest that does not match Docker-Content-Digest is refused', async () => {
    const registry = await serve((req, res) => {
      if (req.url === `/v2/${REPO}/manifests/1.0`) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': image.configDigest });
        res.end(image.manifest);
      } else if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    });
    await assert.rejects(open(registry.registry), (err: Error) => err instanceof DigestMismatchError && err.message.includes(image.configDigest));
  });

  it('a digest reference is fetched by digest and verified', async () => {
    const other = Buffer.from(image.manifest.toString().replace('"schemaVersion":2', '"schemaVersion": 2'));
    const registry = await serve((req, res) => {
      if (req.url === `/v2/${REPO}/manifests/${sha256(other)}`) res.end(image.manifest);
      else if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    });
    const img = await open(registry.registry, {}, `@${image.manifestDigest}`);
    assert.equal(img.digest, image.manifestDigest);
    await img.close();
    await assert.rejects(
      open(registry.registry, {}, `@${sha256(other)}`),
      (err: Error) => err instanceof DigestMismatchError && err.message.includes(sha256(other)),
    );
  });
});

describe('options', () => {
  it('reports progress per blob up to its size', async () => {
    const registry = await serve((req, res) => {
      if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    });
    const events: DownloadProgress[] = [];
    const img = await open(registry.registry, { onProgress: (e) => events.push(e) });
    await readAllLayers(img);
    await img.close();
    assert.ok(events.length >= 2);
    assert.ok(events.every((e) => e.digest === image.layerDigest && e.total === image.layer.length));
    assert.deepEqual(events.at(-1), { digest: image.layerDigest, received: image.layer.length, total: image.layer.length, done: true });
    assert.ok(events.slice(0, -1).every((e) => !e.done));
  });

  it('a registry that is not listening is a one-line error', async () => {
    const gone = await startServer((_req, res) => res.end());
    await gone.close();
    await assert.rejects(open(gone.registry), {
      name: 'PlimsollError',
      message: `docker://${gone.registry}/${REPO}:1.0: cannot reach ${gone.registry}: connection refused`,
    });
  });

  it('--offline refuses before any connection', async () => {
    const registry = await serve((_req, res) => res.writeHead(500).end());
    await assert.rejects(open(registry.registry, { offline: true }), /needs the network, but --offline is set$/);
    assert.equal(registry.requests.length, 0);
  });
});

describe('TLS', () => {
  // 127.0.0.2 is loopback on Linux but not one of the names Plimsoll reaches over plain HTTP.
  const host = '127.0.0.2';
  let tlsRegistry: FakeServer;
  let plainRegistry: FakeServer;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plimsoll-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${host}`,
        '-addext',
        `subjectAltName=IP:${host}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    const handler = (req: Parameters<typeof serveImage>[2], res: Parameters<typeof serveImage>[3]): void => {
      if (!serveImage(image, REPO, req, res)) res.writeHead(404).end();
    };
    tlsRegistry = await serve(handler, { host, tls });
    plainRegistry = await serve(handler, { host });
  });

  it('rejects a self-signed certificate by default, with a hint', async () => {
    await assert.rejects(open(tlsRegistry.registry), /: TLS certificate of 127\.0\.0\.2:\d+ not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\); use --insecure/);
  });

  it('accepts it with insecure', async () => {
    const img = await open(tlsRegistry.registry, { insecure: true });
    assert.equal(img.digest, image.manifestDigest);
    assert.deepEqual(await readAllLayers(img), [image.layer.length]);
    await img.close();
  });

  it('uses HTTPS for a non-loopback name, and falls back to plain HTTP only with insecure', async () => {
    await assert.rejects(open(plainRegistry.registry), /cannot reach 127\.0\.0\.2:\d+: TLS handshake failed \(for a plain-HTTP registry use --insecure\)$/);
    const img = await open(plainRegistry.registry, { insecure: true });
    assert.equal(img.digest, image.manifestDigest);
    await img.close();
  });
});
