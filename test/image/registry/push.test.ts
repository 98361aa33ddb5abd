// RegistryPusher against a hand-written loopback registry, for what the testbed's basic-auth
// registry cannot show: a Bearer realm's push scope, a failed upload sent again, an upload
// location on another host, a denied push. (test/vulndb/oci.test.ts pushes to the real registry.)
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PlimsollError } from '../../../src/errors.js';
import { RegistryPusher } from '../../../src/image/registry/push.js';
import { sha256, startServer, type FakeServer } from './fake-registry.js';

const REPO = 'team/db';
const TOKEN = 'push-token';

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A registry that keeps what it is sent in memory, behind a Bearer realm on the same server. */
class PushRegistry {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, Buffer>();
  readonly scopes: string[][] = [];
  /** How many blob PUTs to answer with 503 (after reading them whole). */
  failPuts = 0;
  /** Where POST sends the upload; default: a relative path on this server. */
  uploadLocation = `/v2/${REPO}/blobs/uploads/u1?_state=kept`;
  denyPush = false;
  server!: FakeServer;

  async start(): Promise<this> {
    this.server = await startServer((req, res) => void this.handle(req, res));
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/token') {
      this.scopes.push(url.searchParams.getAll('scope'));
      res.end(JSON.stringify({ token: TOKEN }));
      return;
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${this.server.registry}/token",service="fake"` }).end();
      return;
    }
    const blob = url.pathname.match(/\/blobs\/(sha256:[0-9a-f]{64})$/)?.[1];
    if (req.method === 'HEAD' && blob) {
      res.writeHead(this.blobs.has(blob) ? 200 : 404).end();
    } else if (req.method === 'POST' && url.pathname === `/v2/${REPO}/blobs/uploads/`) {
      if (this.denyPush) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }));
        return;
      }
      res.writeHead(202, { location: this.uploadLocation }).end();
    } else if (req.method === 'PUT' && url.pathname === `/v2/${REPO}/blobs/uploads/u1`) {
      const body = await readAll(req);
      if (this.failPuts > 0) {
        this.failPuts--;
        res.writeHead(503).end();
        return;
      }
      const digest = url.searchParams.get('digest') ?? '';
      if (url.searchParams.get('_state') !== 'kept' || sha256(body) !== digest) {
        res.writeHead(400).end(JSON.stringify({ errors: [{ code: 'DIGEST_INVALID', message: 'digest did not match' }] }));
        return;
      }
      this.blobs.set(digest, body);
      res.writeHead(201).end();
    } else if (req.method === 'PUT' && url.pathname.startsWith(`/v2/${REPO}/manifests/`)) {
      const body = await readAll(req);
      this.manifests.set(url.pathname.slice(`/v2/${REPO}/manifests/`.length), body);
      res.writeHead(201, { 'docker-content-digest': sha256(body) }).end();
    } else {
      res.writeHead(404).end();
    }
  }
}

let work: string;
let file: string;
const bytes = Buffer.alloc(300_000, 'database bytes ');
before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-push-'));
  file = join(work, 'layer.bin');
  writeFileSync(file, bytes);
});
after(() => rmSync(work, { recursive: true, force: true }));

const fromFile = () => ({ open: () => createReadStream(file) });
const desc = { digest: sha256(bytes), size: bytes.length };

describe('RegistryPusher', () => {
  it('asks the token realm for pull and push, uploads a blob once, and tags a manifest', async () => {
    const registry = await new PushRegistry().start();
    const pusher = new RegistryPusher(registry.server.registry, REPO, 'test', { dockerConfigDir: work });
    try {
      assert.equal(await pusher.uploadBlob(desc, fromFile()), true);
      assert.deepEqual(registry.scopes[0], [`repository:${REPO}:pull,push`]);
      assert.deepEqual(registry.blobs.get(desc.digest), bytes);
      assert.equal(await pusher.uploadBlob(desc, fromFile()), false, 'a HEAD found it: not sent again');
      assert.equal(registry.server.requests.filter((r) => r.method === 'PUT').length, 1);

      const manifest = Buffer.from('{"schemaVersion":2}');
      assert.equal(await pusher.putManifest('v1', 'application/vnd.oci.image.manifest.v1+json', manifest), sha256(manifest));
      assert.deepEqual(registry.manifests.get('v1'), manifest);
      assert.equal(registry.server.requests.at(-1)?.headers['content-type'], 'application/vnd.oci.image.manifest.v1+json');
    } finally {
      pusher.close();
      await registry.server.close();
    }
  });

  it('a PUT answered with 503 is sent again, the whole file read afresh', async () => {
    const registry = await new PushRegistry().start();
    registry.failPuts = 2;
    const pusher = new RegistryPusher(registry.server.registry, REPO, 'test', { dockerConfigDir: work });
    try {
      assert.equal(await pusher.uploadBlob(desc, fromFile()), true);
      assert.equal(registry.server.requests.filter((r) => r.method === 'PUT').length, 3);
      assert.deepEqual(registry.blobs.get(desc.digest), bytes);
    } finally {
      pusher.close();
      await registry.server.close();
    }
  });

  it('an upload location on another host is refused before anything is sent there', async () => {
    const other = await startServer((_req, res) => res.writeHead(201).end());
    const registry = await new PushRegistry().start();
    registry.uploadLocation = `http://${other.registry}/v2/${REPO}/blobs/uploads/u1`;
    const pusher = new RegistryPusher(registry.server.registry, REPO, 'test-ref', { dockerConfigDir: work });
    try {
      await assert.rejects(pusher.uploadBlob(desc, fromFile()), (err: Error) => {
        assert.ok(err instanceof PlimsollError);
        assert.equal(err.message, `test-ref: ${registry.server.registry} sent the upload to another host (${other.registry}), which Plimsoll does not follow`);
        return true;
      });
      assert.equal(other.requests.length, 0);
    } finally {
      pusher.close();
      await registry.server.close();
      await other.close();
    }
  });

  it('a registry that denies the push says so in one line, with its own message', async () => {
    const registry = await new PushRegistry().start();
    registry.denyPush = true;
    const pusher = new RegistryPusher(registry.server.registry, REPO, 'test-ref', { dockerConfigDir: work });
    try {
      await assert.rejects(pusher.uploadBlob(desc, fromFile()), (err: Error) => {
        assert.equal(
          err.message,
          `test-ref: ${registry.server.registry} denied access to upload of blob ${desc.digest} (HTTP 403: requested access to the resource is denied)`,
        );
        return true;
      });
    } finally {
      pusher.close();
      await registry.server.close();
    }
  });
});
