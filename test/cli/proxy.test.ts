// HTTPS_PROXY, HTTP_PROXY and NO_PROXY: the conventions on their own, then real requests through a
// loopback proxy written here (CONNECT tunnels and absolute-form requests, each logged), from the
// proxy module and from the CLI's registry client and feed fetcher.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyRouter, bypassesProxy, proxyFor } from '../../src/net/proxy.js';
import { hasCommand } from '../helpers/testbed.js';
import { CLI, type CliRun } from '../helpers/cli.js';

describe('which requests go through a proxy', () => {
  const env = { HTTPS_PROXY: 'http://proxy.corp:3128', http_proxy: 'proxy.corp:8080' };
  const via = (url: string, extra: Record<string, string> = {}): string | undefined => proxyFor(new URL(url), { ...env, ...extra })?.href;
  it('https and http each take their own variable; a scheme-less proxy is http', () => {
    assert.equal(via('https://registry.example.com/v2/'), 'http://proxy.corp:3128/');
    assert.equal(via('http://mirror.example.com/osv'), 'http://proxy.corp:8080/');
  });
  it('lower case wins over upper case, as curl reads them', () => {
    assert.equal(via('https://x.example.com/', { https_proxy: 'http://lower:1' }), 'http://lower:1/');
  });
  it('NO_PROXY: host and subdomains, leading dot or *., ports, *', () => {
    for (const entry of ['example.com', '.example.com', '*.example.com', 'other.org, example.com']) {
      assert.ok(bypassesProxy(new URL('https://registry.example.com/'), entry), entry);
      assert.ok(bypassesProxy(new URL('https://example.com/'), entry.replace('*.', '.')), entry);
    }
    assert.ok(!bypassesProxy(new URL('https://notexample.com/'), 'example.com'), 'a suffix is a whole label');
    assert.ok(bypassesProxy(new URL('https://r.example.com:5000/'), 'example.com:5000'));
    assert.ok(!bypassesProxy(new URL('https://r.example.com/'), 'example.com:5000'), 'the port is 443 here');
    assert.ok(bypassesProxy(new URL('https://anything/'), '*'));
    assert.equal(via('https://registry.example.com/', { no_proxy: 'example.com' }), undefined);
  });
  it('loopback is never proxied unless asked', () => {
    for (const url of ['http://localhost:5000/', 'http://127.0.0.1:5000/', 'http://[::1]:5000/']) assert.equal(via(url), undefined, url);
    assert.equal(proxyFor(new URL('http://127.0.0.1:5000/'), env, { loopback: true })?.href, 'http://proxy.corp:8080/');
  });
  it('a proxy that is no URL is one error naming the variable', () => {
    assert.throws(() => proxyFor(new URL('https://x.example.com/'), { HTTPS_PROXY: 'socks5://p:1' }), /HTTPS_PROXY: unsupported proxy scheme socks5:/);
  });
});

/** A forward proxy on loopback: CONNECT tunnels to wherever `route` says, absolute-form requests forwarded. */
function startProxy(
  route: (host: string, port: number) => { host: string; port: number } | undefined,
): Promise<{ url: string; log: string[]; server: http.Server }> {
  const log: string[] = [];
  const server = http.createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const to = route(target.hostname, Number(target.port || 80));
    if (!to) {
      res.writeHead(404).end();
      return;
    }
    const upstream = http.request({ host: to.host, port: to.port, path: target.pathname, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
    log.push(`CONNECT ${req.url}`);
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    const to = route(host, Number(port));
    if (!to) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(to.port, to.host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log, server })),
  );
}

/** The CLI from source, asynchronously: the proxy answers from this process's event loop. */
function plimsoll(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, CI: 'true', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

function body(req: http.ClientRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.end();
  });
}

describe('through a loopback proxy', () => {
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let plain: http.Server;
  let secure: https.Server | undefined;
  const port = (s: net.Server): number => (s.address() as AddressInfo).port;
  before(async () => {
    plain = http.createServer((req, res) => res.end(`plain ${req.url}`));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    if (hasCommand('openssl')) {
      const dir = mkdtempSync(join(tmpdir(), 'plimsoll-proxy-tls-'));
      const made = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          '/CN=registry.example.test',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
        ],
        { stdio: 'ignore' },
      );
      if (made.status === 0) {
        secure = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) =>
          res.end(`secure ${req.url}`),
        );
        await new Promise<void>((r) => secure?.listen(0, '127.0.0.1', r));
      }
    }
    // Names under .example.test exist only inside this proxy, so a direct connection could not reach them.
    proxy = await startProxy((host) =>
      host === 'feeds.example.test'
        ? { host: '127.0.0.1', port: port(plain) }
        : host === 'registry.example.test' && secure
          ? { host: '127.0.0.1', port: port(secure) }
          : undefined,
    );
  });
  after(() => {
    proxy.server.close();
    plain.close();
    secure?.close();
  });

  it('http: an absolute-form request to the proxy', async () => {
    const router = new ProxyRouter({}, { HTTP_PROXY: proxy.url });
    const r = await body(router.request(new URL('http://feeds.example.test/osv/npm/all.zip'), {}));
    assert.deepEqual(r, { status: 200, text: 'plain /osv/npm/all.zip' });
    assert.ok(proxy.log.includes('GET http://feeds.example.test/osv/npm/all.zip'));
  });

  it('https: TLS inside a CONNECT tunnel, end to end', { skip: hasCommand('openssl') ? undefined : 'openssl not installed' }, async () => {
    const router = new ProxyRouter({ rejectUnauthorized: false }, { HTTPS_PROXY: proxy.url });
    try {
      const r = await body(router.request(new URL('https://registry.example.test/v2/'), {}));
      assert.deepEqual(r, { status: 200, text: 'secure /v2/' });
      assert.ok(proxy.log.includes('CONNECT registry.example.test:443'));
    } finally {
      router.destroy();
    }
  });

  it('a proxy that refuses the tunnel is an error naming it', async () => {
    const router = new ProxyRouter({}, { HTTPS_PROXY: proxy.url });
    await assert.rejects(
      body(router.request(new URL('https://elsewhere.example.test/'), {})),
      /refused to connect to elsewhere\.example\.test:443 \(HTTP 403\)/,
    );
    router.destroy();
  });

  it('the CLI registry client goes through HTTPS_PROXY, and NO_PROXY takes it out', async () => {
    const before = proxy.log.length;
    const run = (env: Record<string, string>): Promise<CliRun> =>
      plimsoll(['image', 'docker://blocked.example.test/x/y:1', '--scanners', 'config', '--timeout', '30s'], env);
    const r = await run({ HTTPS_PROXY: proxy.url });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /proxy 127\.0\.0\.1:\d+ refused to connect to blocked\.example\.test:443/);
    assert.ok(proxy.log.slice(before).includes('CONNECT blocked.example.test:443'));
    const count = proxy.log.length;
    await run({ HTTPS_PROXY: proxy.url, NO_PROXY: 'example.test' });
    assert.equal(proxy.log.length, count, 'no request reached the proxy');
  });

  it('the CLI feed fetcher goes through HTTPS_PROXY (feeds are https unless on loopback)', async () => {
    const before = proxy.log.length;
    const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-proxy-db-'));
    const r = await plimsoll(['db', 'update', '--mirror', 'https://mirror.example.test/', '--db-dir', dbDir, '-q'], { HTTPS_PROXY: proxy.url });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /refused to connect to mirror\.example\.test:443/);
    assert.ok(proxy.log.slice(before).includes('CONNECT mirror.example.test:443'), proxy.log.slice(before).join('\n'));
  });
});
