// FIRST's EPSS scores: the reader on a hand-written file in the published format (invented
// values, see test/fixtures/vulndb/README.md), bad files refused in one line, and the feed
// downloaded from a loopback mirror: conditional requests, a failing server, a missing file.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { readEpss } from '../../src/vulndb/feeds/epss.js';
import { openDatabase, runDbStatus, runDbUpdate } from '../../src/vulndb/index.js';
import type { CveEnrichment, FeedItem } from '../../src/vulndb/types.js';
import { serveMirror, type MirrorServer } from './mirror-server.js';
import { MIRROR } from './mirror-truth.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'vulndb', 'epss_scores-2099-01-01.csv');
const EPSS_PATH = '/epss/epss_scores-current.csv.gz';
const FIXTURE_SCORES = [
  { cve: 'CVE-2019-10744', score: 0.01, percentile: 0.5, date: '2099-01-01' },
  { cve: 'CVE-2021-44228', score: 0.9, percentile: 0.999, date: '2099-01-01' },
  { cve: 'CVE-2022-22965', score: 0.8, percentile: 0.99, date: '2099-01-01' },
  { cve: 'CVE-2023-32681', score: 0.001, percentile: 0.1, date: '2099-01-01' },
  { cve: 'CVE-2099-0001', score: 0, percentile: 0, date: '2099-01-01' },
  { cve: 'CVE-2099-0002', score: 1, percentile: 1, date: '2099-01-01' },
];

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-epss-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

let written = 0;
function file(body: Buffer | string): string {
  const path = join(work, `input-${++written}`);
  writeFileSync(path, body);
  return path;
}

async function collect(items: AsyncGenerator<FeedItem>): Promise<FeedItem[]> {
  const out: FeedItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function rejectsInOneLine(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(collect(readEpss(path)), (err: Error) => {
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

describe('the EPSS reader', () => {
  test('the fixture: the score date first, then every row with its score, percentile and date', async () => {
    const items = await collect(readEpss(file(gzipSync(readFileSync(FIXTURE)))));
    assert.deepEqual(items[0], { kind: 'data-date', date: '2099-01-01T00:00:00.000Z' });
    assert.deepEqual(
      items.slice(1),
      FIXTURE_SCORES.map((score) => ({ kind: 'epss', score })),
    );
  });

  test('CRLF line ends and a file without a final newline read the same', async () => {
    const text = readFileSync(FIXTURE, 'utf8').trimEnd().replaceAll('\n', '\r\n');
    const items = await collect(readEpss(file(gzipSync(text))));
    assert.deepEqual(
      items.slice(1),
      FIXTURE_SCORES.map((score) => ({ kind: 'epss', score })),
    );
  });

  const meta = '#model_version:v2025.03.14,score_date:2099-01-01T00:00:00Z';
  const header = 'cve,epss,percentile';
  const good = 'CVE-2021-44228,0.5,0.5';
  const malformed: [string, string, RegExp][] = [
    ['no metadata line', `${header}\n${good}\n`, /^line 1: expected "#model_version:…,score_date:/],
    [
      'a score date that is no date',
      `#model_version:v1,score_date:yesterday\n${header}\n${good}\n`,
      /^line 1: expected .*got "#model_version:v1,score_date:yesterday"$/,
    ],
    ['another header', `${meta}\ncve,score\n${good}\n`, /^line 2: expected the header "cve,epss,percentile", got "cve,score"$/],
    ['a score above 1', `${meta}\n${header}\n${good}\nCVE-2021-44229,1.5,0.9\n`, /^line 4: epss "1\.5" is not a number from 0 to 1$/],
    ['a negative percentile', `${meta}\n${header}\nCVE-2021-44228,0.5,-0.1\n`, /^line 3: percentile "-0\.1" is not a number from 0 to 1$/],
    ['a score that is no number', `${meta}\n${header}\nCVE-2021-44228,NaN,0.1\n`, /^line 3: epss "NaN" is not a number from 0 to 1$/],
    ['an empty score', `${meta}\n${header}\nCVE-2021-44228,,0.1\n`, /^line 3: epss "" is not a number from 0 to 1$/],
    ['an id that is no CVE id', `${meta}\n${header}\nGHSA-xxxx-yyyy-zzzz,0.1,0.1\n`, /^line 3: "GHSA-xxxx-yyyy-zzzz" is not a CVE id$/],
    ['a row of four fields', `${meta}\n${header}\n${good},0.1\n`, /^line 3: expected 3 fields \(cve,epss,percentile\), got 4: /],
    ['no rows', `${meta}\n${header}\n`, /^holds no scores \(2 lines\)$/],
  ];
  for (const [what, text, pattern] of malformed) {
    test(`${what}: refused in one line naming the line`, () => rejectsInOneLine(file(gzipSync(text)), pattern));
  }

  test('a file that is not gzip, or an empty one, is refused', async () => {
    await rejectsInOneLine(file(readFileSync(FIXTURE)), /^not gzip-compressed \(FIRST publishes epss_scores-YYYY-MM-DD\.csv\.gz\)$/);
    await rejectsInOneLine(file(''), /^not gzip-compressed/);
  });

  test('a truncated gzip file is refused', async () => {
    const whole = gzipSync(readFileSync(FIXTURE));
    await rejectsInOneLine(file(whole.subarray(0, whole.length - 8)), /^not a complete gzip file \(unexpected end of file\)$/);
  });

  test('a gzip bomb of one endless line stops at the first long line', async () => {
    // 16 MiB of one byte packs into about 16 kB; the reader gives up after its first chunk.
    const bomb = gzipSync(Buffer.concat([Buffer.from(`${meta}\n${header}\n`), Buffer.alloc(16 * 1024 * 1024, 0x41)]));
    await rejectsInOneLine(file(bomb), /^line 3: longer than 1024 characters$/);
  });
});

/** A mirror with the real KEV catalog and the fixture as the day's EPSS file. */
function epssMirror(): string {
  const root = join(work, 'mirror');
  mkdirSync(join(root, 'epss'), { recursive: true });
  symlinkSync(join(MIRROR, 'kev'), join(root, 'kev'));
  writeFileSync(join(root, EPSS_PATH), gzipSync(readFileSync(FIXTURE)));
  return root;
}

function enrichment(dbDir: string, cve: string): CveEnrichment {
  const db = openDatabase(dbDir);
  try {
    return db.enrichment(cve);
  } finally {
    db.close();
  }
}

const log4shell = FIXTURE_SCORES[1];

describe('the EPSS feed from a mirror', { skip: existsSync(join(MIRROR, 'kev')) ? undefined : `no KEV catalog at ${MIRROR}/kev` }, () => {
  let root: string;
  let server: MirrorServer;
  const dbDir = () => join(work, 'db-http');
  before(async () => {
    root = epssMirror();
    server = await serveMirror(root);
  });
  after(() => server.close());

  test('a directory mirror is read in place', async () => {
    const dbDir = join(work, 'db-dir');
    const result = await runDbUpdate({ dbDir, mirror: root, quiet: true, offline: true });
    const epss = result.sources.find((s) => s.name === 'epss');
    assert.deepEqual(
      { ...epss, lastModified: undefined },
      {
        name: 'epss',
        ecosystem: 'CVE',
        url: join(root, EPSS_PATH),
        records: FIXTURE_SCORES.length,
        lastModified: undefined,
        dataDate: '2099-01-01T00:00:00.000Z',
        withdrawn: 0,
        fetch: 'local',
        reprocessed: true,
      },
    );
    assert.deepEqual(enrichment(dbDir, 'CVE-2021-44228').epss, log4shell);
  });

  test('downloaded once, then not modified: a conditional request, and the scores are still there', async () => {
    const first = await runDbUpdate({ dbDir: dbDir(), mirror: server.url, quiet: true });
    assert.equal(first.sources.find((s) => s.name === 'epss')?.fetch, 'downloaded');
    assert.equal(first.sources.find((s) => s.name === 'epss')?.records, FIXTURE_SCORES.length);
    const both = enrichment(dbDir(), 'CVE-2021-44228');
    assert.deepEqual(both.epss, log4shell);
    assert.equal(both.kev?.cveID, 'CVE-2021-44228');
    const firstAsk = server.requests.filter((r) => r.path === EPSS_PATH);
    assert.equal(firstAsk.length, 1);
    assert.equal(firstAsk[0]?.headers['if-none-match'], undefined);

    const served304 = server.counts.get(304) ?? 0;
    const second = await runDbUpdate({ dbDir: dbDir(), mirror: server.url, quiet: true });
    assert.equal(second.sources.find((s) => s.name === 'epss')?.fetch, 'not-modified');
    const again = server.requests.filter((r) => r.path === EPSS_PATH)[1];
    assert.match(String(again?.headers['if-none-match']), /^"[0-9a-f.]+-[0-9a-f.]+"$/);
    assert.ok(Date.parse(String(again?.headers['if-modified-since'])) > 0);
    assert.equal(server.counts.get(304), served304 + 2, 'EPSS and KEV both answered 304');
    assert.deepEqual(enrichment(dbDir(), 'CVE-2021-44228').epss, log4shell);

    // The staleness warning goes by each source's data date: KEV's catalog date, not EPSS's (2099).
    const status = runDbStatus({ dbDir: dbDir() });
    const kevDays = Math.floor((Date.now() - Date.parse('2025-08-25T17:04:19.979Z')) / 86_400_000);
    assert.deepEqual(status.warnings, [
      { message: `1 of 2 sources hold data older than 3 days: kev (2025-08-25, ${kevDays} days); update the feeds or the mirror`, source: 'vulndb' },
    ]);
  });

  test('a server error fails the update and leaves the installed database as it was', async () => {
    const builtAt = runDbStatus({ dbDir: dbDir() }).builtAt;
    server.failing.set(EPSS_PATH, 500);
    try {
      await assert.rejects(runDbUpdate({ dbDir: dbDir(), mirror: server.url, quiet: true }), (err: Error) => {
        assert.equal(err.message, `feed epss: ${server.url}${EPSS_PATH} answered HTTP 500`);
        return true;
      });
    } finally {
      server.failing.delete(EPSS_PATH);
    }
    assert.equal(runDbStatus({ dbDir: dbDir() }).builtAt, builtAt);
    assert.deepEqual(enrichment(dbDir(), 'CVE-2021-44228').epss, log4shell);
  });

  test('a damaged file fails the update, keeps the database, and is downloaded afresh next time', async () => {
    const builtAt = runDbStatus({ dbDir: dbDir() }).builtAt;
    const good = readFileSync(join(root, EPSS_PATH));
    writeFileSync(join(root, EPSS_PATH), readFileSync(FIXTURE));
    await assert.rejects(runDbUpdate({ dbDir: dbDir(), mirror: server.url, quiet: true }), (err: Error) => {
      assert.match(err.message, /^feed epss \(.*\): not gzip-compressed .*; the previous database was kept$/);
      return true;
    });
    assert.equal(runDbStatus({ dbDir: dbDir() }).builtAt, builtAt);
    assert.deepEqual(enrichment(dbDir(), 'CVE-2021-44228').epss, log4shell);

    writeFileSync(join(root, EPSS_PATH), good);
    const fixed = await runDbUpdate({ dbDir: dbDir(), mirror: server.url, quiet: true });
    assert.equal(fixed.sources.find((s) => s.name === 'epss')?.fetch, 'downloaded');
  });

  test('a mirror without the EPSS file: the feed is missing, not an error', async () => {
    rmSync(join(root, EPSS_PATH));
    const result = await runDbUpdate({ dbDir: dbDir(), mirror: server.url, quiet: true });
    assert.deepEqual(
      result.missing.filter((name) => name === 'epss' || name === 'kev'),
      ['epss'],
    );
    assert.deepEqual(
      result.sources.map((s) => s.name),
      ['kev'],
    );
    const now = enrichment(dbDir(), 'CVE-2021-44228');
    assert.equal(now.epss, undefined);
    assert.equal(now.kev?.cveID, 'CVE-2021-44228');
  });
});
