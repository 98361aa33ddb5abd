import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError, PlimsollError } from '../../errors.js';
import { requestIdleTimeout } from '../../net/idle-timeout.js';
import { ProxyRouter } from '../../net/proxy.js';

/** A network failure; `code` is the system or TLS error code (EPROTO, ECONNREFUSED...). */
export class NetworkError extends PlimsollError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/** A request body that can be sent again (a retry, a redirect, a renewed token): opened afresh each time. */
export interface ReopenableBody {
  open(): Readable;
}

export interface RequestInit {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT';
  /** Lower-case header names. */
  headers?: Record<string, string>;
  body?: string | Buffer | ReopenableBody;
}

/** Bounds of the retry loop: 1 try + 4 retries, exponential back-off, Retry-After honoured up to a minute. */
export const RETRY = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };
const MAX_REDIRECTS = 5;
/** Enough sockets per host for the layer stage's parallel downloads plus manifest requests. */
const MAX_SOCKETS = 16;
const USER_AGENT = 'plimsoll';

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED']);
const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Delay before retry number `attempt` (1-based): Retry-After when the server sent one, else exponential with jitter. */
export function retryDelay(attempt: number, retryAfter?: string): number {
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (!Number.isNaN(ms)) return Math.min(Math.max(ms, 0), RETRY.maxRetryAfterMs);
  }
  const backoff = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
  return backoff * (0.75 + Math.random() / 4);
}

/** Reads and drops a response body so its socket goes back to the pool. */
export function discard(res: HttpResponse): void {
  res.body.on('error', () => undefined);
  res.body.resume();
}

function errorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : undefined;
}

/** One line for a failed connection, naming the host and what to do about it. */
function networkError(what: string, url: URL, err: unknown, attempts: number): NetworkError {
  const code = errorCode(err);
  const host = url.host;
  if (code && CERT_CODES.has(code)) {
    return new NetworkError(`${what}: TLS certificate of ${host} not trusted (${code}); use --insecure to skip verification`, code);
  }
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND'
        ? 'host not found'
        : code === 'EPROTO'
          ? 'TLS handshake failed (for a plain-HTTP registry use --insecure)'
          : (code ?? (err as Error).message);
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  return new NetworkError(`${what}: cannot reach ${host}: ${reason}${tries}`, code);
}

/**
 * HTTP(S) with keep-alive agents owned by one image (so close() frees every
 * socket), redirects that never carry Authorization to another origin, and
 * bounded retries on 429, 5xx and dropped connections.
 */
export class HttpClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  private readonly httpsAgent: https.Agent;
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY. */
  private readonly proxies: ProxyRouter;

  constructor(
    /** Prefix of error messages: the reference being read. */
    private readonly what: string,
    insecure = false,
  ) {
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, rejectUnauthorized: !insecure });
    this.proxies = new ProxyRouter({ maxSockets: MAX_SOCKETS, rejectUnauthorized: !insecure });
  }

  /** Sends a request, following redirects; returns the final response whatever its status. */
  async request(url: URL, init: RequestInit = {}): Promise<HttpResponse> {
    let current = url;
    let headers = { ...init.headers };
    let method = init.method ?? 'GET';
    let body = init.body;
    for (let redirects = 0; ; redirects++) {
      const res = await this.withRetries(current, { method, headers, body });
      if (!isRedirect(res.status)) return res;
      discard(res);
      const location = res.headers.location;
      if (!location) throw new PlimsollError(`${this.what}: ${current.host} sent a redirect without a Location`);
      if (redirects >= MAX_REDIRECTS) throw new PlimsollError(`${this.what}: too many redirects from ${url.href}`);
      const next = new URL(location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new PlimsollError(`${this.what}: redirect to unsupported URL ${next.href}`);
      // Credentials are for the registry only: a blob store (S3, CDN) must not see them.
      if (next.origin !== current.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'authorization'));
      if (res.status === 303) {
        method = 'GET';
        body = undefined;
      }
      current = next;
    }
  }

  private async withRetries(url: URL, init: RequestInit): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await this.once(url, init);
      } catch (err) {
        const code = errorCode(err);
        if (attempt < RETRY.attempts && code && TRANSIENT_CODES.has(code)) {
          await sleep(retryDelay(attempt));
          continue;
        }
        throw networkError(this.what, url, err, attempt);
      }
      if (attempt >= RETRY.attempts || !isRetryableStatus(res.status)) return res;
      discard(res);
      const retryAfter = res.headers['retry-after'];
      await sleep(retryDelay(attempt, typeof retryAfter === 'string' ? retryAfter : undefined));
    }
  }

  private once(url: URL, init: RequestInit): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = this.proxies.request(
        url,
        { method: init.method, headers: { 'user-agent': USER_AGENT, ...init.headers } },
        { http: this.httpAgent, https: this.httpsAgent },
      );
      req.setTimeout(requestIdleTimeout(), () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.on('response', (body) => resolve({ status: body.statusCode ?? 0, headers: body.headers, body }));
      const payload = init.body;
      if (payload === undefined || typeof payload === 'string' || Buffer.isBuffer(payload)) {
        req.end(payload);
        return;
      }
      const stream = payload.open();
      stream.on('error', (err) => req.destroy(err));
      // A request that fails (a reset, a 401 sent before the body is read) stops reading the file.
      req.on('close', () => stream.destroy());
      stream.pipe(req);
    });
  }

  /** Closes every socket, idle or not. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.proxies.destroy();
  }
}

/** Reads a whole response body of at most `limit` bytes. */
export async function readBody(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (declared > limit) {
    res.body.destroy();
    throw new InputError(`${what}: ${declared} bytes is more than the ${limit} bytes allowed`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new InputError(`${what}: more than the ${limit} bytes allowed`);
      chunks.push(chunk);
    }
  } catch (err) {
    res.body.destroy();
    if (err instanceof PlimsollError) throw err;
    throw new NetworkError(`${what}: connection lost while reading (${errorCode(err) ?? (err as Error).message})`, errorCode(err));
  }
  return Buffer.concat(chunks);
}
