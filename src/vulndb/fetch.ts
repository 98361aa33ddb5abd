// Gets each feed as a local file: read in place from a directory mirror, or downloaded over
// HTTP(S) into a cache beside the database with conditional requests (ETag / If-Modified-Since),
// so an unchanged feed is not downloaded again. Each result carries the feed's fingerprint
// (fingerprint.ts), by which the update tells a feed that needs reading again.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PlimsollError, errorMessage } from '../errors.js';
import { requestIdleTimeout } from '../net/idle-timeout.js';
import { proxiedRequest } from '../net/proxy.js';
import { fileSha256, localFingerprint } from './fingerprint.js';
import { checkedUrl, isUrl, type Feed } from './sources.js';

export type FetchResult =
  /** `fingerprint` is absent only for NVD's API sync, whose state itself says whether anything arrived. */
  { state: 'local' | 'downloaded' | 'not-modified'; path: string; lastModified: string | null; fingerprint?: string } | { state: 'missing' };

interface CacheEntry {
  url: string;
  etag?: string;
  lastModified?: string;
  /** Of the file as downloaded; absent in caches written before it was recorded. */
  sha256?: string;
  file: string;
}

const MAX_REDIRECTS = 5;

/** The download cache: `<dbDir>/feeds/<feed name>` plus `state.json` with each file's validators. */
export class FeedCache {
  private entries: Record<string, CacheEntry> = {};

  private constructor(readonly dir: string) {}

  static async open(dbDir: string): Promise<FeedCache> {
    const cache = new FeedCache(join(dbDir, 'feeds'));
    try {
      const parsed: unknown = JSON.parse(await readFile(cache.statePath, 'utf8'));
      if (parsed && typeof parsed === 'object') cache.entries = parsed as Record<string, CacheEntry>;
    } catch {
      // No usable state: every feed is downloaded in full, which is always correct.
    }
    return cache;
  }

  private get statePath(): string {
    return join(this.dir, 'state.json');
  }

  async fetch(feed: Feed, offline: boolean): Promise<FetchResult> {
    if (!isUrl(feed.location)) return readLocal(feed.location);
    if (offline) {
      throw new PlimsollError(`offline: feed ${feed.name} would be downloaded from ${feed.location}; use --mirror DIR or 'db import FILE' instead`);
    }
    const file = join(this.dir, ...feed.name.split('/'));
    const previous = this.entries[feed.name];
    const usable = previous && previous.url === feed.location && (await exists(file)) ? previous : undefined;
    const headers: Record<string, string> = { 'user-agent': 'plimsoll' };
    if (usable?.etag) headers['if-none-match'] = usable.etag;
    if (usable?.lastModified) headers['if-modified-since'] = usable.lastModified;

    const res = await get(feed.location, headers, MAX_REDIRECTS).catch((err: unknown) => {
      throw new PlimsollError(`feed ${feed.name}: cannot download ${feed.location}: ${errorMessage(err)}`);
    });
    const status = res.statusCode ?? 0;
    if (status === 304 && usable) {
      res.resume();
      usable.sha256 ??= await fileSha256(file);
      return { state: 'not-modified', path: file, lastModified: httpDate(usable.lastModified), fingerprint: `sha256:${usable.sha256}` };
    }
    if (status === 404 || status === 410) {
      res.resume();
      return { state: 'missing' };
    }
    if (status !== 200) {
      res.resume();
      throw new PlimsollError(`feed ${feed.name}: ${feed.location} answered HTTP ${status}`);
    }
    await mkdir(dirname(file), { recursive: true });
    const part = `${file}.part`;
    const expected = Number(res.headers['content-length'] ?? NaN);
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(res, hashing, createWriteStream(part));
      const size = (await stat(part)).size;
      if (Number.isFinite(expected) && size !== expected) throw new Error(`got ${size} of ${expected} bytes`);
    } catch (err) {
      await rm(part, { force: true });
      throw new PlimsollError(`feed ${feed.name}: download of ${feed.location} failed: ${errorMessage(err)}`);
    }
    await rename(part, file);
    const etag = res.headers.etag;
    const lastModified = res.headers['last-modified'];
    const sha256 = hash.digest('hex');
    this.entries[feed.name] = { url: feed.location, file, sha256, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
    return { state: 'downloaded', path: file, lastModified: httpDate(lastModified), fingerprint: `sha256:${sha256}` };
  }

  /** Forget a feed whose file turned out to be unreadable, so the next update downloads it afresh. */
  async discard(feed: Feed): Promise<void> {
    const entry = this.entries[feed.name];
    if (!entry) return;
    this.entries = Object.fromEntries(Object.entries(this.entries).filter(([name]) => name !== feed.name));
    await rm(entry.file, { force: true });
    await this.save();
  }

  async save(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.statePath}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(this.entries, null, 2));
    await rename(tmp, this.statePath);
  }
}

async function readLocal(path: string): Promise<FetchResult> {
  try {
    const info = await stat(path);
    return { state: 'local', path, lastModified: info.mtime.toISOString(), fingerprint: await localFingerprint(path) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function httpDate(value: string | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function get(url: string, headers: Record<string, string>, redirects: number): Promise<http.IncomingMessage> {
  checkedUrl(url);
  return new Promise((resolvePromise, reject) => {
    const req = proxiedRequest(new URL(url), { headers });
    req.on('response', (res) => {
      const location = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304 && location) {
        res.resume();
        if (redirects === 0) return reject(new Error('too many redirects'));
        const next = new URL(location, url).toString();
        get(next, headers, redirects - 1).then(resolvePromise, reject);
        return;
      }
      resolvePromise(res);
    });
    req.setTimeout(requestIdleTimeout(), () => req.destroy(new Error(`no answer in ${requestIdleTimeout() / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}
