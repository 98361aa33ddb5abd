// NVD through the CVE API 2.0, against a loopback stand-in serving the mirror's real NVD records:
// paging, retries, the rate limit, incremental windows, a sync killed part-way, and `db update`
// keeping the installed database when the sync fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PlimsollError } from '../../src/errors.js';
import { openDatabase, runDbUpdate } from '../../src/vulndb/index.js';
import { NVD_CACHE_FILE, NvdCache, readNvdCache } from '../../src/vulndb/nvd/cache.js';
import { RateLimiter } from '../../src/vulndb/nvd/rate-limit.js';
import { toNvdRecord } from '../../src/vulndb/nvd/record.js';
import { nvdCacheDir, syncNvd, type NvdSyncOptions } from '../../src/vulndb/nvd/sync.js';
import { PUBLIC_ENDPOINTS, feedsFor, mirrorEndpoints } from '../../src/vulndb/sources.js';
import type { NvdRecord } from '../../src/vulndb/types.js';
import { readNvdRecords, serveNvd, type CveObject, type FakeNvd } from './fake-nvd.js';
import { MIRROR } from './mirror-truth.js';

const NVD_DIR = join(MIRROR, 'nvd');
const noData = existsSync(NVD_DIR) ? undefined : `NVD records not found at ${NVD_DIR}`;
const DAY = 24 * 3600 * 1000;
/** No real waiting: the rate limit and backoff have tests of their own. Never the caller's key. */
const FAST: NvdSyncOptions = { rate: { requests: 1000, windowMs: 1 }, backoffMs: 10, apiKey: '' };
const LIMITS = { timeout: 60_000 };

let work: string;
let real: CveObject[];
let server: FakeNvd;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-nvd-'));
  if (noData) return;
  real = readNvdRecords(NVD_DIR);
  server = await serveNvd(real);
});
after(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

const utc = (nvdTime: string): number => Date.parse(`${nvdTime}Z`);
const startIndexes = (from: number) => server.requests.slice(from).map((r) => r.params.get('startIndex'));

async function cached(dbDir: string): Promise<Map<string, NvdRecord>> {
  const out = new Map<string, NvdRecord>();
  for await (const item of readNvdCache(join(nvdCacheDir(dbDir), NVD_CACHE_FILE))) {
    if (item.kind === 'nvd') out.set(item.record.id, item.record);
  }
  return out;
}

function reset(records: CveObject[] = real): number {
  server.records = records;
  server.script = [];
  delete server.hold;
  return server.requests.length;
}

describe('NVD sources', () => {
  test('the public API by default, a proxy of it under an http mirror, the files of a directory mirror', () => {
    const nvd = (feeds: ReturnType<typeof feedsFor>) => feeds.find((f) => f.name === 'nvd');
    assert.deepEqual(nvd(feedsFor(PUBLIC_ENDPOINTS)), {
      name: 'nvd',
      kind: 'nvd-api',
      ecosystem: 'CVE',
      location: 'https://services.nvd.nist.gov/rest/json/cves/2.0',
    });
    assert.equal(
      nvd(feedsFor(mirrorEndpoints('https://mirror.example.org/vulndata/')))?.location,
      'https://mirror.example.org/vulndata/nvd/rest/json/cves/2.0',
    );
    assert.equal(nvd(feedsFor(mirrorEndpoints('https://mirror.example.org/vulndata/')))?.kind, 'nvd-api');
    assert.equal(nvd(feedsFor(mirrorEndpoints(work)))?.kind, 'nvd-dir');
  });
});

describe('the rate limiter', () => {
  test('lets through at most N requests in any window, and no more slowly than that', async () => {
    let now = 0;
    const limiter = new RateLimiter(2, 1000, { now: () => now, sleep: async (ms) => (now += ms) });
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.acquire();
      times.push(now);
    }
    assert.deepEqual(times, [0, 0, 1000, 1000, 2000, 2000, 3000]);
  });
});

describe('NVD API sync', { skip: noData }, () => {
  test('the first sync pages through everything with the page size asked for', LIMITS, async () => {
    const dbDir = join(work, 'paging');
    const from = reset();
    const now = Date.parse('2026-12-01T00:00:00Z');
    const result = await syncNvd(server.apiUrl, dbDir, { ...FAST, pageSize: 5, now: () => now });
    assert.deepEqual(startIndexes(from), ['0', '5', '10', '15']);
    assert.ok(server.requests.slice(from).every((r) => r.params.get('resultsPerPage') === '5' && !r.params.has('lastModStartDate')));
    assert.deepEqual(result, { state: 'downloaded', path: join(nvdCacheDir(dbDir), NVD_CACHE_FILE), lastModified: new Date(now).toISOString() });
    const cache = await cached(dbDir);
    assert.equal(cache.size, real.length);
    for (const cve of real) assert.deepEqual(cache.get(cve.id), toNvdRecord(cve));
  });

  test('the rate limit holds back requests past N per window', LIMITS, async () => {
    const from = reset();
    const started = performance.now();
    await syncNvd(server.apiUrl, join(work, 'rate'), { ...FAST, pageSize: 3, rate: { requests: 2, windowMs: 300 } });
    const elapsed = performance.now() - started;
    assert.equal(server.requests.length - from, 6);
    // Six requests, two per 300 ms: the third and fifth each wait for a window to pass.
    assert.ok(elapsed >= 600, `6 requests at 2 per 300 ms took only ${elapsed.toFixed(0)} ms`);
  });

  test('403 and 429 are retried, waiting as long as Retry-After says', LIMITS, async () => {
    const from = reset();
    server.script = [{ status: 403 }, { status: 429, headers: { 'retry-after': '1' } }];
    const result = await syncNvd(server.apiUrl, join(work, 'retry'), FAST);
    assert.equal(result.state, 'downloaded');
    const requests = server.requests.slice(from);
    assert.deepEqual(
      requests.map((r) => r.status),
      [403, 429, 200],
    );
    const waited = (requests[2]?.at ?? 0) - (requests[1]?.at ?? 0);
    assert.ok(waited >= 990, `retried ${waited.toFixed(0)} ms after a Retry-After of 1 s`);
    assert.equal((await cached(join(work, 'retry'))).size, real.length);
  });

  test('a request that gets no answer times out and is tried again', LIMITS, async () => {
    const from = reset();
    let held = 0;
    server.hold = () => held++ === 0;
    const result = await syncNvd(server.apiUrl, join(work, 'timeout'), { ...FAST, timeoutMs: 300 });
    assert.equal(result.state, 'downloaded');
    assert.deepEqual(
      server.requests.slice(from).map((r) => r.status),
      [0, 200],
    );
  });

  test('retries are bounded: then one line naming the URL', LIMITS, async () => {
    const from = reset();
    server.script = [{ status: 503 }, { status: 503 }, { status: 503 }];
    await assert.rejects(syncNvd(server.apiUrl, join(work, 'exhausted'), { ...FAST, attempts: 3 }), (err: Error) => {
      assert.ok(err instanceof PlimsollError);
      assert.equal(err.message, `NVD API: ${server.apiUrl}?resultsPerPage=2000&startIndex=0 answered HTTP 503 (3 attempts)`);
      return true;
    });
    assert.equal(server.requests.length - from, 3);

    const closed = await serveNvd([]);
    await closed.close();
    await assert.rejects(syncNvd(closed.apiUrl, join(work, 'refused'), { ...FAST, attempts: 2 }), (err: Error) => {
      assert.ok(err instanceof PlimsollError);
      assert.match(err.message, new RegExp(`^NVD API: ${closed.apiUrl.replace(/\./g, '\\.')}\\?\\S+ could not be read: .*ECONNREFUSED.* \\(2 attempts\\)$`));
      return true;
    });
  });

  test('a server without the API is a missing feed; a refused parameter is an error; plain http only on loopback', LIMITS, async () => {
    reset();
    assert.deepEqual(await syncNvd(`${server.url}/elsewhere`, join(work, 'missing'), FAST), { state: 'missing' });
    await assert.rejects(syncNvd(server.apiUrl, join(work, 'badparam'), { ...FAST, pageSize: 5000 }), /answered HTTP 404 \(Invalid resultsPerPage\)$/);
    await assert.rejects(syncNvd('http://nvd.example.org/rest/json/cves/2.0', join(work, 'plain'), FAST), /only https URLs \(or plain http on localhost/);
  });

  test('later syncs ask for changes in windows of at most 120 days up to now, and merge them', LIMITS, async () => {
    const dbDir = join(work, 'incremental');
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const log4shell = real.find((r) => r.id === 'CVE-2021-44228');
    assert.ok(log4shell && utc(log4shell.lastModified) > t0);
    // Made up for this test, not NVD data: an earlier state of the record, before NVD's analysis.
    const earlier: CveObject = { ...log4shell, lastModified: '2024-06-01T00:00:00.000', metrics: {} };
    const atT0 = real.filter((r) => utc(r.lastModified) <= t0);
    reset([...atT0, earlier]);
    await syncNvd(server.apiUrl, dbDir, { ...FAST, now: () => t0 });
    assert.equal((await cached(dbDir)).get(log4shell.id)?.cvss.length, 0);

    const from = reset();
    const now = t0 + 300 * DAY;
    const result = await syncNvd(server.apiUrl, dbDir, { ...FAST, now: () => now });
    const windows = server.requests.slice(from).map((r) => {
      assert.match(r.rawQuery, /lastModStartDate=[^&]*%2B00:00&lastModEndDate=[^&]*%2B00:00/);
      return [Date.parse(r.params.get('lastModStartDate') ?? ''), Date.parse(r.params.get('lastModEndDate') ?? '')] as const;
    });
    assert.deepEqual(windows, [
      [t0, t0 + 120 * DAY],
      [t0 + 120 * DAY, t0 + 240 * DAY],
      [t0 + 240 * DAY, now],
    ]);
    assert.deepEqual(result, { state: 'downloaded', path: join(nvdCacheDir(dbDir), NVD_CACHE_FILE), lastModified: new Date(now).toISOString() });

    const cache = await cached(dbDir);
    const expected = real.filter((r) => utc(r.lastModified) <= now);
    assert.ok(expected.length > atT0.length, 'the windows brought records the first sync did not have');
    assert.deepEqual([...cache.keys()].sort(), expected.map((r) => r.id).sort());
    assert.deepEqual(cache.get(log4shell.id), toNvdRecord(log4shell), 'the newer copy replaced the earlier one');

    // Up to date: nothing to ask. A day later: one window, nothing changed.
    const idle = reset();
    assert.equal((await syncNvd(server.apiUrl, dbDir, { ...FAST, now: () => now })).state, 'not-modified');
    assert.equal(server.requests.length, idle);
    assert.equal((await syncNvd(server.apiUrl, dbDir, { ...FAST, now: () => now + DAY })).state, 'not-modified');
    assert.equal(server.requests.length, idle + 1);

    // A late page holding an older copy does not put it back.
    const store = NvdCache.open(nvdCacheDir(dbDir));
    try {
      const state = store.state();
      assert.ok(state);
      store.commit([{ id: earlier.id, lastModified: '2024-06-01T00:00:00.000Z', json: JSON.stringify(earlier) }], state);
    } finally {
      store.close();
    }
    assert.deepEqual((await cached(dbDir)).get(log4shell.id), toNvdRecord(log4shell));
  });

  test('a sync killed part-way resumes after the last page it finished', LIMITS, async () => {
    const dbDir = join(work, 'killed');
    const start = reset();
    server.hold = (params) => params.get('startIndex') === '12';
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'nvd-sync-child.ts'), dbDir, server.apiUrl, '4'], { stdio: 'ignore' });
    let exited = false;
    const exit = new Promise((resolve) => child.once('exit', resolve)).then(() => (exited = true));
    // Held at the fourth page: the three before it were answered, and each is committed before the next is asked.
    for (let i = 0; i < 3000 && !exited && !server.requests.slice(start).some((r) => r.status === 0); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(exited, false, 'the child was still running');
    child.kill('SIGKILL');
    await exit;

    assert.equal((await cached(dbDir)).size, 12);
    const store = NvdCache.open(nvdCacheDir(dbDir));
    const pass = store.state()?.pass;
    store.close();
    assert.ok(pass?.kind === 'full');
    assert.equal(pass.nextIndex, 12);

    const from = reset();
    const result = await syncNvd(server.apiUrl, dbDir, { ...FAST, pageSize: 4 });
    assert.equal(result.state, 'downloaded');
    const requests = server.requests.slice(from);
    assert.deepEqual(
      requests.filter((r) => !r.params.has('lastModStartDate')).map((r) => r.params.get('startIndex')),
      ['12', '16'],
      'finished pages are not fetched again',
    );
    // Then the changes made since the interrupted pass began, which its pages may have missed.
    assert.deepEqual(
      requests.filter((r) => r.params.has('lastModStartDate')).map((r) => Date.parse(r.params.get('lastModStartDate') ?? '')),
      [Date.parse(pass.startedAt)],
    );
    assert.equal((await cached(dbDir)).size, real.length);
  });

  test('offline refuses before any request', async () => {
    const from = reset();
    await assert.rejects(
      syncNvd(server.apiUrl, join(work, 'offline'), { ...FAST, offline: true }),
      /^PlimsollError: offline: feed nvd would be downloaded from http:\/\/127\.0\.0\.1:\d+\/nvd\/rest\/json\/cves\/2\.0;/,
    );
    await assert.rejects(runDbUpdate({ dbDir: join(work, 'offline'), mirror: server.url, offline: true, quiet: true }), /^PlimsollError: offline: /);
    assert.equal(server.requests.length, from);
  });
});

describe('db update with NVD from the API', { skip: noData }, () => {
  const KEY = 'plimsoll-test-key-0123';
  let savedKey: string | undefined;
  before(() => {
    savedKey = process.env.NVD_API_KEY;
    process.env.NVD_API_KEY = KEY;
  });
  after(() => {
    if (savedKey === undefined) delete process.env.NVD_API_KEY;
    else process.env.NVD_API_KEY = savedKey;
  });

  const log4shellCvss = (dbDir: string): number => {
    const db = openDatabase(dbDir);
    try {
      return db.enrichment('CVE-2021-44228').nvd?.cvss.length ?? 0;
    } finally {
      db.close();
    }
  };

  test('builds from the sync, sends the key, says not-modified when nothing changed, keeps the database when the sync fails', LIMITS, async () => {
    const dbDir = join(work, 'update');
    const from = reset();
    const first = await runDbUpdate({ dbDir, mirror: server.url, quiet: true });
    const nvd = first.sources.find((s) => s.name === 'nvd');
    assert.equal(nvd?.records, real.length);
    assert.equal(nvd?.fetch, 'downloaded');
    assert.equal(nvd?.url, server.apiUrl);
    const api = server.requests.slice(from).filter((r) => r.status !== 404);
    assert.equal(api.length, 1);
    assert.equal(api[0]?.apiKey, KEY);
    const cvss = log4shellCvss(dbDir);
    assert.ok(cvss > 0);

    const second = await runDbUpdate({ dbDir, mirror: server.url, quiet: true });
    assert.equal(second.sources.find((s) => s.name === 'nvd')?.fetch, 'not-modified');
    assert.equal(second.sources.find((s) => s.name === 'nvd')?.records, real.length, 'the build reads the whole cache, not only the changes');

    reset();
    server.script = [{ status: 200, body: '<html>maintenance</html>' }];
    await assert.rejects(runDbUpdate({ dbDir, mirror: server.url, quiet: true }), (err: Error) => {
      assert.ok(err instanceof PlimsollError);
      assert.match(err.message, new RegExp(`^NVD API: ${server.apiUrl.replace(/\./g, '\\.')}\\?lastModStartDate=\\S+ answered something that is not JSON`));
      assert.doesNotMatch(err.message, new RegExp(`${KEY}|\\n`));
      return true;
    });
    assert.equal(log4shellCvss(dbDir), cvss, 'the installed database still answers');
    assert.deepEqual(
      readdirSync(dbDir).filter((f) => f.includes('.tmp-')),
      [],
      'the partial build is removed',
    );
  });
});
