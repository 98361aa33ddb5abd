// Privacy by construction: `plimsoll image REF --server URL --token T` on an image with planted secrets
// (fresh fake credentials and a private key in files, a password in ENV, a token in a build argument),
// through a loopback recording proxy in front of the server. Every byte the client sends is kept and
// searched: no secret value and no line of any file body appears, only the SBOM and the image facts
// (User, secret counts by rule); yet the client still reports the secrets (found locally, masked)
// and the server's vulnerabilities.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server/serve.js';
import { CLI } from '../helpers/cli.js';
import { gzLayer, writeLayout, type TarEntry } from '../helpers/make-image.js';
import { base62, fakeSecrets } from '../hardening/fake-secrets.js';
import { createToken, makeFixture, npmRecord, alpineRecord, startTestServer, type Fixture } from './helpers.js';

const run = promisify(execFile);
const s = fakeSecrets();
const buildArgToken = `npm_${base62(36)}`;
const marker = `file-body-marker-${base62(16)}`;

const FILES: TarEntry[][] = [
  [
    { name: 'etc/os-release', body: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.10.9\nPRETTY_NAME="Alpine Linux v3.10"\n' },
    { name: 'etc/alpine-release', body: '3.10.9\n' },
    {
      name: 'lib/apk/db/installed',
      body: 'C:Q1sVdcBWBhlA0Wd3b1kC4pRXIbJoQ=\nP:musl\nV:1.1.22-r3\nA:x86_64\nS:368377\nI:598016\nT:the musl c library (libc) implementation\nU:http://www.musl-libc.org/\nL:MIT\no:musl\nm:Timo Teräs <timo.teras@iki.fi>\nt:1565162130\nc:0c777cf840e82cdc528651e3f3f8f0dfe7ee2c5d\n\n',
    },
  ],
  [
    {
      name: 'app/config.yml',
      body: `aws:\n  access_key_id: ${s.awsKeyId}\n  aws_secret_access_key: ${s.awsSecret}\ngithub_token: ${s.githubToken}\nslack_token: ${s.slackToken}\nstripe_key: ${s.stripeKey}\nsession: ${s.jwt}\nnote: ${marker}\n`,
    },
    { name: 'app/.npmrc', body: `//registry.npmjs.org/:_authToken=${s.npmToken}\n` },
    { name: 'app/.env', body: `NODE_ENV=production\nDB_PASSWORD=${s.dbPassword}\n` },
    { name: 'app/deploy/id_rsa', body: s.rsaPem, mode: 0o600 },
    { name: 'root/.git-credentials', body: `https://deploy:${s.gitPassword}@git.example.com\n` },
    { name: 'home/app/.aws/credentials', body: `[default]\naws_access_key_id = ${s.awsKeyId}\naws_secret_access_key = ${s.awsSecret}\n` },
    { name: 'app/node_modules/left-pad/package.json', body: `{"name":"left-pad","version":"1.1.0","description":"${marker}-in-metadata"}\n` },
  ],
];

/** Every planted value that must never leave the machine. */
const SECRETS = [s.awsKeyId, s.awsSecret, s.githubToken, s.slackToken, s.stripeKey, s.jwt, s.npmToken, s.dbPassword, s.gitPassword, buildArgToken, marker];

interface Captured {
  method: string;
  url: string;
  bytes: Buffer;
}

/** A loopback proxy in front of the server that keeps every request's head and body as sent. */
async function recordingProxy(target: string, captured: Captured[]): Promise<{ url: string; server: Server }> {
  const read = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await read(req);
      const head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${req.rawHeaders.map((h, i) => (i % 2 ? `${h}\r\n` : `${h}: `)).join('')}\r\n`;
      captured.push({ method: req.method ?? '', url: req.url ?? '', bytes: Buffer.concat([Buffer.from(head), body]) });
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => ['authorization', 'content-type'].includes(k))) as Record<string, string>;
      const answer = await fetch(`${target}${req.url}`, { method: req.method ?? 'GET', headers, ...(body.length ? { body } : {}) });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let fixture: Fixture;
let server: RunningServer;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let layout: string;
let cache: string;
const captured: Captured[] = [];
let report: {
  vulnerabilities: { id: string; packageName: string; layer?: string }[];
  findings: { id: string; kind: string; path?: string; evidence?: string }[];
};

before(async () => {
  fixture = await makeFixture([npmRecord('CVE-2099-0001', 'left-pad', '1.2.0'), alpineRecord('CVE-2099-0100', 'musl', '1.1.22-r4')]);
  server = await startTestServer(fixture);
  proxy = await recordingProxy(server.url, captured);
  layout = writeLayout(await Promise.all(FILES.map((entries) => gzLayer(entries))), {
    tag: '1.0',
    config: {
      config: { Env: ['PATH=/usr/bin:/bin', `DB_PASSWORD=${s.dbPassword}`], User: 'root' },
      history: [{ created_by: '/bin/sh -c #(nop) ADD file:base in / ' }, { created_by: `|1 NPM_TOKEN=${buildArgToken} /bin/sh -c npm ci` }],
    },
  });
  cache = mkdtempSync(join(tmpdir(), 'plimsoll-privacy-cache-'));
  const token = await createToken(server, 'team-a', ['submit', 'read']);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, 'image', `oci:${layout}:1.0`, '--server', proxy.url, '--format', 'json', '--quiet'], {
    env: { ...process.env, PLIMSOLL_SERVER_TOKEN: token, XDG_CACHE_HOME: cache, PLIMSOLL_DB_MIRROR: '' },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  report = JSON.parse(stdout) as typeof report;
});
after(async () => {
  proxy.server.close();
  await server.close();
  fixture.remove();
  rmSync(layout, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

describe('plimsoll image --server: what the server receives', () => {
  it('two requests: who the token is, then the SBOM', () => {
    assert.deepEqual(
      captured.map((c) => `${c.method} ${c.url}`),
      ['GET /api/v1/whoami', 'POST /api/v1/projects/team-a/images'],
    );
  });

  it('holds no secret value, in any encoding the body could carry it', () => {
    const sent = Buffer.concat(captured.map((c) => c.bytes)).toString('utf8');
    for (const secret of SECRETS) {
      for (const form of [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')])
        assert.ok(!sent.includes(form), `sent ${secret.slice(0, 6)}…`);
    }
    for (const line of s.rsaPem.split('\n').filter((l) => l.length > 20)) assert.ok(!sent.includes(line), 'a line of the private key');
    assert.ok(!sent.includes('PRIVATE KEY'));
  });

  it('holds no line of any file body', () => {
    const sent = Buffer.concat(captured.map((c) => c.bytes)).toString('utf8');
    for (const entry of FILES.flat()) {
      for (const line of String(entry.body)
        .split('\n')
        .filter((l) => l.length >= 8))
        assert.ok(!sent.includes(line), `${entry.name}: "${line.slice(0, 30)}"`);
    }
  });

  it('is the SBOM: the image, its OS and packages with their layer digests', () => {
    const post = captured[1];
    const body = JSON.parse(post?.bytes.toString('utf8').split('\r\n\r\n').slice(1).join('\r\n\r\n') ?? '') as {
      bomFormat: string;
      metadata: { component: { name: string } };
      components: { type: string; name: string; version: string }[];
    };
    assert.equal(body.bomFormat, 'CycloneDX');
    assert.equal(body.metadata.component.name, `oci:${layout}:1.0`);
    assert.deepEqual(body.components.map((c) => `${c.type} ${c.name} ${c.version}`).sort(), [
      'library left-pad 1.1.0',
      'library musl 1.1.22-r3',
      'operating-system alpine 3.10.9',
    ]);
  });
});

describe('plimsoll image --server: the image facts beside the SBOM (docs/privacy.md)', () => {
  it("are the config's User and, per secret rule, a count: no value, path or line", () => {
    const body = JSON.parse(captured[1]?.bytes.toString('utf8').split('\r\n\r\n').slice(1).join('\r\n\r\n') ?? '') as {
      metadata: { component: { properties: { name: string; value: string }[] } };
    };
    const facts = body.metadata.component.properties.filter((p) => !['plimsoll:image:platform', 'plimsoll:image:layer'].includes(p.name));
    // The layout's config has no `created`, so none is sent.
    assert.deepEqual(facts.slice(0, 2), [
      { name: 'plimsoll:image:user', value: 'root' },
      { name: 'plimsoll:image:secrets-scanned', value: 'true' },
    ]);
    const counts = facts.slice(2);
    for (const c of counts) {
      assert.match(c.name, /^plimsoll:image:secrets:PLM-[A-Z0-9-]+$/);
      assert.match(c.value, /^[1-9]\d*$/);
    }
    const expected: Record<string, number> = {};
    for (const f of report.findings.filter((x) => x.kind === 'secret')) expected[f.id] = (expected[f.id] ?? 0) + 1;
    assert.deepEqual(Object.fromEntries(counts.map((c) => [c.name.slice('plimsoll:image:secrets:'.length), Number(c.value)])), expected);
  });
});

describe('plimsoll image --server: what the client reports', () => {
  it("the server's vulnerabilities, with no local database", () => {
    assert.deepEqual(report.vulnerabilities.map((v) => `${v.id} ${v.packageName}`).sort(), ['CVE-2099-0001 left-pad', 'CVE-2099-0100 musl']);
    assert.deepEqual(readdirSync(cache), [], 'no database was built or read locally');
  });

  it('the secrets, found locally and masked', () => {
    const paths = new Set(report.findings.filter((f) => f.id.startsWith('PLM-SECRET-')).map((f) => f.path));
    for (const path of ['app/config.yml', 'app/.npmrc', 'app/.env', 'app/deploy/id_rsa', 'root/.git-credentials']) assert.ok(paths.has(path), path);
    const text = JSON.stringify(report.findings);
    for (const secret of SECRETS.slice(0, -1)) assert.ok(!text.includes(secret), `a finding prints ${secret.slice(0, 6)}…`);
  });
});
