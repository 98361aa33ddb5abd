// Brings the local NVD cache up to date through the CVE API 2.0. The first sync pages through the
// whole list; later ones ask only for what changed since the last one ended (lastModStartDate /
// lastModEndDate, in windows of at most 120 days as NVD requires, each window paged in turn).
// Every page is committed with the cursor after it, so an interrupted sync resumes where it stopped.
import { join } from 'node:path';
import { PlimsollError, errorMessage } from '../../errors.js';
import { isoDate } from '../data-date.js';
import type { FetchResult } from '../fetch.js';
import { NvdCache, type CachedCve, type SyncPass, type SyncState } from './cache.js';
import { NvdClient, type NvdClientOptions } from './client.js';
import { toNvdRecord } from './record.js';

export interface NvdSyncOptions extends NvdClientOptions {
  offline?: boolean;
  /** `resultsPerPage`; default NVD's maximum, 2,000. */
  pageSize?: number;
  /** The clock change windows end at (ms since the epoch). */
  now?: () => number;
  /** A transient line for a person at a terminal. */
  progress?: (text: string) => void;
  /** What the sync is doing, for the update lock. */
  note?: (doing: string) => void;
}

const PAGE_SIZE = 2000;
const MAX_WINDOW_MS = 120 * 24 * 3600 * 1000;

/** The cache directory under the database directory. */
export function nvdCacheDir(dbDir: string): string {
  return join(dbDir, 'feeds', 'nvd');
}

/**
 * Syncs the cache at `<dbDir>/feeds/nvd/` from the API at `url`. 'downloaded' when any CVE was
 * received, 'not-modified' when NVD had no change; `path` is the cache for readNvdCache.
 */
export async function syncNvd(url: string, dbDir: string, options: NvdSyncOptions = {}): Promise<FetchResult> {
  if (options.offline) {
    throw new PlimsollError(`offline: feed nvd would be downloaded from ${url}; use --mirror DIR or 'db import FILE' instead`);
  }
  const cache = NvdCache.open(nvdCacheDir(dbDir));
  try {
    const sync = new Sync(url, cache, new NvdClient(options), options);
    return await sync.run(options.now?.() ?? Date.now());
  } finally {
    cache.close();
  }
}

class Sync {
  private state: SyncState;
  private received = 0;
  private requests = 0;

  constructor(
    private readonly url: string,
    private readonly cache: NvdCache,
    private readonly client: NvdClient,
    private readonly options: NvdSyncOptions,
  ) {
    const saved = cache.state();
    this.state = saved?.endpoint === url ? saved : { endpoint: url, syncedTo: null, pass: null };
  }

  async run(now: number): Promise<FetchResult> {
    // A pass left unfinished by an earlier run comes first, with the cursor it reached.
    for (let pass = this.state.pass ?? this.nextPass(now); pass; pass = this.nextPass(now)) {
      if ((await this.runPass(pass)) === 'missing') return { state: 'missing' };
    }
    return { state: this.received > 0 ? 'downloaded' : 'not-modified', path: this.cache.path, lastModified: this.state.syncedTo };
  }

  /** The whole list until a full pass has ended, then the next window of changes up to `now`. */
  private nextPass(now: number): SyncPass | undefined {
    const { syncedTo } = this.state;
    if (syncedTo === null) return { kind: 'full', startedAt: new Date(now).toISOString(), nextIndex: 0 };
    const start = Date.parse(syncedTo);
    if (start >= now) return undefined;
    return { kind: 'changes', start: syncedTo, end: new Date(Math.min(start + MAX_WINDOW_MS, now)).toISOString(), nextIndex: 0 };
  }

  private async runPass(first: SyncPass): Promise<'done' | 'missing'> {
    const size = this.options.pageSize ?? PAGE_SIZE;
    for (let pass: SyncPass | null = first; pass; pass = this.state.pass) {
      const what = pass.kind === 'full' ? 'NVD' : `NVD changes ${pass.start.slice(0, 10)} to ${pass.end.slice(0, 10)}`;
      const query = `${pass.kind === 'changes' ? `lastModStartDate=${nvdDate(pass.start)}&lastModEndDate=${nvdDate(pass.end)}&` : ''}resultsPerPage=${size}&startIndex=${pass.nextIndex}`;
      this.options.note?.(`downloading ${what} from ${this.url}, startIndex ${pass.nextIndex}`);
      const page = await this.client.page(this.url, query);
      // Only the first answer may say there is no API here; later, a 404 is an error.
      if (page === 'missing') {
        if (this.requests === 0) return 'missing';
        throw new PlimsollError(`NVD API: ${this.url}?${query} answered HTTP 404`);
      }
      this.requests++;
      const cves = page.cves.map((cve, i) => entry(cve, `${this.url}?${query}`, i));
      const next = pass.nextIndex + cves.length;
      if (next < page.totalResults && cves.length === 0) {
        throw new PlimsollError(`NVD API: ${this.url}?${query} answered no CVEs though it counts ${page.totalResults}`);
      }
      this.state =
        next >= page.totalResults
          ? { ...this.state, syncedTo: pass.kind === 'full' ? pass.startedAt : pass.end, pass: null }
          : { ...this.state, pass: { ...pass, nextIndex: next } };
      this.cache.commit(cves, this.state);
      this.received += cves.length;
      this.options.progress?.(`${what}: page ${Math.ceil(next / size)} of ${Math.max(1, Math.ceil(page.totalResults / size))}`);
    }
    return 'done';
  }
}

/** NVD's extended ISO-8601 with a zone offset; `+` must be sent as %2B or it is read as a space. */
function nvdDate(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '%2B00:00');
}

function entry(cve: unknown, target: string, index: number): CachedCve {
  try {
    const record = toNvdRecord(cve);
    return { id: record.id, lastModified: isoDate(record.lastModified) ?? record.lastModified, json: JSON.stringify(cve) };
  } catch (err) {
    throw new PlimsollError(`NVD API: ${target}: vulnerability ${index}: ${errorMessage(err)}`);
  }
}
