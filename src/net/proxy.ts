// HTTPS_PROXY, HTTP_PROXY and NO_PROXY (upper or lower case, lower first as curl reads them) for
// registry and feed requests, with curl's and npm's conventions: NO_PROXY is a comma- or
// space-separated list of host names, each matching itself and its subdomains (`.example.com` and
// `*.example.com` the same), optionally `:PORT`, or `*` for everything. Loopback hosts are never
// proxied (a local registry or mirror is never behind the site's proxy) unless `loopback` is set.
// https goes through an HTTP CONNECT tunnel, http as an absolute-form request to the proxy.
import http from 'node:http';
import https from 'node:https';
import { Readable, type Duplex } from 'node:stream';
import tls from 'node:tls';
import { InputError } from '../errors.js';

type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Whether NO_PROXY exempts this URL. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of (noProxy ?? '').split(/[\s,]+/).filter(Boolean)) {
    if (raw === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(raw.toLowerCase()) as RegExpExecArray;
    const name = (m[1] ?? '').replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (m[2] !== undefined && m[2] !== defaultPort(url)) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy the environment names for `url`, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Env = process.env, options: { loopback?: boolean } = {}): URL | undefined {
  if (!options.loopback && isLoopback(url.hostname)) return undefined;
  if (bypassesProxy(url, envValue(env, 'no_proxy'))) return undefined;
  const name = url.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
  const value = envValue(env, name);
  if (!value) return undefined;
  let proxy: URL;
  try {
    // `proxy:3128` without a scheme means http://, as curl reads it.
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new InputError(`${name.toUpperCase()}: not a proxy URL: "${value}"`);
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:')
    throw new InputError(`${name.toUpperCase()}: unsupported proxy scheme ${proxy.protocol} (http:// or https://)`);
  return proxy;
}

function proxyHeaders(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** An https agent whose connections are TLS inside a CONNECT tunnel through `proxy`. */
class TunnelAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: tls.ConnectionOptions & { host?: string; port?: number },
    callback: (err: Error | null, socket?: Duplex) => void,
  ): undefined {
    const target = `${options.host ?? 'localhost'}:${options.port ?? 443}`;
    const connect = (this.proxy.protocol === 'https:' ? https : http).request({
      host: this.proxy.hostname,
      port: this.proxy.port || (this.proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...proxyHeaders(this.proxy) },
      agent: false,
    });
    connect.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        callback(new Error(`proxy ${this.proxy.host} refused to connect to ${target} (HTTP ${res.statusCode})`));
        return;
      }
      callback(null, tls.connect({ ...options, socket, servername: options.servername ?? options.host }));
    });
    connect.once('error', (err) => callback(Object.assign(err, { message: `proxy ${this.proxy.host}: ${err.message}` })));
    connect.end();
    return undefined;
  }
}

/**
 * Starts requests through the proxy the environment names, or directly with the caller's agents.
 * Tunnels are pooled per proxy (keep-alive like the direct agents) until `destroy()`.
 */
export class ProxyRouter {
  private readonly tunnels = new Map<string, TunnelAgent>();

  constructor(
    private readonly tlsOptions: https.AgentOptions = {},
    private readonly env: Env = process.env,
    private readonly options: { loopback?: boolean } = {},
  ) {}

  request(url: URL, options: http.RequestOptions, direct: { http?: http.Agent; https?: https.Agent } = {}): http.ClientRequest {
    const secure = url.protocol === 'https:';
    const proxy = proxyFor(url, this.env, this.options);
    if (!proxy) return (secure ? https : http).request(url, { ...options, agent: secure ? direct.https : direct.http });
    if (secure) return https.request(url, { ...options, agent: this.tunnel(proxy) });
    // Plain http: the proxy gets the whole URL, as curl sends it.
    return (proxy.protocol === 'https:' ? https : http).request({
      ...options,
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      path: url.href,
      headers: { ...options.headers, host: url.host, ...proxyHeaders(proxy) },
      agent: false,
    });
  }

  private tunnel(proxy: URL): TunnelAgent {
    let agent = this.tunnels.get(proxy.href);
    if (!agent) {
      agent = new TunnelAgent(proxy, { keepAlive: true, ...this.tlsOptions });
      this.tunnels.set(proxy.href, agent);
    }
    return agent;
  }

  destroy(): void {
    for (const agent of this.tunnels.values()) agent.destroy();
    this.tunnels.clear();
  }
}

/** For one-off requests (feeds): a router without pooled tunnels kept between calls. */
export function proxiedRequest(url: URL, options: http.RequestOptions): http.ClientRequest {
  const router = new ProxyRouter({ keepAlive: false });
  const req = router.request(url, options);
  req.once('close', () => router.destroy());
  return req;
}

/** `fetch` for the NVD client: undici's own when no proxy applies, else the same request through the proxy. */
export async function proxiedFetch(url: string, init: { headers: Record<string, string>; signal?: AbortSignal }): Promise<Response> {
  const target = new URL(url);
  if (!proxyFor(target)) return fetch(url, { headers: init.headers, redirect: 'manual', ...(init.signal ? { signal: init.signal } : {}) });
  return new Promise((resolve, reject) => {
    const req = proxiedRequest(target, { headers: init.headers, ...(init.signal ? { signal: init.signal } : {}) });
    req.once('error', (err) => reject(init.signal?.aborted ? init.signal.reason : err));
    req.once('response', (res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) for (const v of [value ?? []].flat()) headers.append(name, v);
      const status = res.statusCode ?? 502;
      const empty = status === 204 || status === 304;
      if (empty) res.resume();
      resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers }));
    });
    req.end();
  });
}
