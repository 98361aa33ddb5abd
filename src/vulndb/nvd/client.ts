// Requests to the NVD CVE API 2.0, or an organisation's proxy of it: NVD's rate limit, a
// timeout per request, bounded retries with backoff on what NVD answers when it is throttling
// or busy (403, 429, 5xx) and on broken connections, and the answer checked for the API's shape.
import { setTimeout as sleep } from 'node:timers/promises';
import { PlimsollError, errorMessage } from '../../errors.js';
import { proxiedFetch } from '../../net/proxy.js';
import { isObject } from '../feeds/osv-record.js';
import { checkedUrl } from '../sources.js';
import { RateLimiter } from './rate-limit.js';

export interface NvdClientOptions {
  /** Sent as the `apiKey` header; default the NVD_API_KEY environment variable. */
  apiKey?: string;
  /** Requests per rolling window; default NVD's: 5 per 30 s, or 50 with an API key. */
  rate?: { requests: number; windowMs: number };
  /** Tries per request, the first one included. */
  attempts?: number;
  /** Wait before the first retry when the server names none (Retry-After); doubled each time. */
  backoffMs?: number;
  /** A Retry-After longer than this is not waited out: the request fails instead. */
  maxRetryAfterMs?: number;
  /** For one whole request, body included. */
  timeoutMs?: number;
}

/** One page of `GET /rest/json/cves/2.0`; `cves` are the `vulnerabilities[].cve` objects, unchecked. */
export interface NvdPage {
  totalResults: number;
  cves: unknown[];
}

const RATE_WINDOW_MS = 30_000;
const ATTEMPTS = 5;
// NVD's advice is to wait 6 s between requests; a throttled client waits at least that.
const BACKOFF_MS = 6_000;
const MAX_RETRY_AFTER_MS = 5 * 60_000;
// A page of 2,000 CVEs is tens of MB and NVD is often slow to start sending it.
const TIMEOUT_MS = 180_000;
const MAX_PAGE_BYTES = 256 * 1024 * 1024;

const retryable = (status: number): boolean => status === 403 || status === 429 || status >= 500;

export class NvdClient {
  private readonly limiter: RateLimiter;
  private readonly apiKey: string | undefined;

  constructor(private readonly options: NvdClientOptions = {}) {
    this.apiKey = options.apiKey ?? (process.env.NVD_API_KEY || undefined);
    const rate = options.rate ?? { requests: this.apiKey ? 50 : 5, windowMs: RATE_WINDOW_MS };
    this.limiter = new RateLimiter(rate.requests, rate.windowMs);
  }

  /**
   * `url?query`, or 'missing' when the server has no such API (a 404 without NVD's `message`
   * header, which is how NVD itself refuses a bad parameter). The key never appears in a message.
   */
  async page(url: string, query: string): Promise<NvdPage | 'missing'> {
    checkedUrl(url);
    const target = `${url}?${query}`;
    const attempts = this.options.attempts ?? ATTEMPTS;
    const headers: Record<string, string> = { 'user-agent': 'plimsoll', accept: 'application/json', ...(this.apiKey ? { apiKey: this.apiKey } : {}) };
    for (let attempt = 1; ; attempt++) {
      await this.limiter.acquire();
      let failure: string;
      let retryAfterMs: number | undefined;
      try {
        const res = await proxiedFetch(target, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? TIMEOUT_MS) });
        if (res.status === 200) return parsePage(await readBody(res), target);
        await res.body?.cancel();
        const message = res.headers.get('message');
        if (res.status === 404 && !message) return 'missing';
        if (!retryable(res.status)) {
          const where = res.status >= 300 && res.status < 400 ? ` (redirect to ${res.headers.get('location') ?? '?'}: use that URL)` : '';
          throw new PlimsollError(`NVD API: ${target} answered HTTP ${res.status}${message ? ` (${message})` : ''}${where}`);
        }
        failure = `answered HTTP ${res.status}`;
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      } catch (err) {
        if (err instanceof PlimsollError) throw err;
        failure = describe(err, this.options.timeoutMs ?? TIMEOUT_MS);
      }
      if (attempt >= attempts) throw new PlimsollError(`NVD API: ${target} ${failure} (${attempts} attempts)`);
      const wait = retryAfterMs ?? (this.options.backoffMs ?? BACKOFF_MS) * 2 ** (attempt - 1);
      const limit = this.options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS;
      if (wait > limit) throw new PlimsollError(`NVD API: ${target} ${failure} and asks to wait ${Math.ceil(wait / 1000)} s; try again later`);
      await sleep(wait);
    }
  }
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `did not answer in ${timeoutMs / 1000} s`;
  // fetch reports every network failure as "fetch failed"; the reason is its cause.
  const cause = err instanceof Error && err.cause ? err.cause : err;
  return `could not be read: ${errorMessage(cause)}`;
}

async function readBody(res: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_PAGE_BYTES) throw new Error(`more than ${MAX_PAGE_BYTES} bytes in one page`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parsePage(body: string, target: string): NvdPage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new PlimsollError(`NVD API: ${target} answered something that is not JSON (${errorMessage(err)})`);
  }
  if (!isObject(value) || typeof value.totalResults !== 'number' || !Array.isArray(value.vulnerabilities)) {
    throw new PlimsollError(`NVD API: ${target} answered JSON that is not a CVE API 2.0 page (no "totalResults" and "vulnerabilities")`);
  }
  return { totalResults: value.totalResults, cves: value.vulnerabilities.map((v) => (isObject(v) ? v.cve : undefined)) };
}
