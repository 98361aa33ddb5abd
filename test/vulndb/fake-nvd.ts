// A loopback stand-in for the NVD CVE API 2.0 at `<url>/nvd/rest/json/cves/2.0` (the path an
// http mirror serves it under), answering from real NVD records as NVD does: `resultsPerPage`
// (at most 2,000) and `startIndex` paging, `lastModStartDate`/`lastModEndDate` filtering (both or
// neither, at most 120 days, the extended ISO-8601 form), and a 404 with a `message` header for a
// bad parameter. A test can script failures, hold requests unanswered, and read what was asked.
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const API_PATH = '/nvd/rest/json/cves/2.0';

export interface CveObject {
  id: string;
  published: string;
  lastModified: string;
  [field: string]: unknown;
}

export interface NvdRequest {
  /** Milliseconds (performance.now) when it arrived. */
  at: number;
  /** The query as sent, before any decoding. */
  rawQuery: string;
  params: URLSearchParams;
  apiKey: string | undefined;
  /** 0 for a request held unanswered. */
  status: number;
}

/** What to answer instead of the data, once per request, in order. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FakeNvd {
  /** The mirror base: the API is at `${url}${API_PATH}`. */
  url: string;
  apiUrl: string;
  /** What the API holds; a test may replace it between syncs. */
  records: CveObject[];
  requests: NvdRequest[];
  script: ScriptedAnswer[];
  /** Requests matching this are never answered (a server that hangs, for timeouts and kills). */
  hold?: (params: URLSearchParams) => boolean;
  close(): Promise<void>;
}

/** The real NVD `cve` objects of a mirror's `nvd/CVE-YYYY/` folders, read now. */
export function readNvdRecords(nvdRoot: string): CveObject[] {
  const records: CveObject[] = [];
  for (const year of readdirSync(nvdRoot)
    .filter((n) => /^CVE-\d{4}$/.test(n))
    .sort()) {
    for (const file of readdirSync(join(nvdRoot, year))
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      records.push(JSON.parse(readFileSync(join(nvdRoot, year, file), 'utf8')) as CveObject);
    }
  }
  return records;
}

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:\d{2})$/;
const MAX_RANGE_MS = 120 * 24 * 3600 * 1000;
/** NVD's times have no zone and are UTC. */
const utc = (nvdTime: string): number => Date.parse(/[Zz]|[+-]\d{2}:\d{2}$/.test(nvdTime) ? nvdTime : `${nvdTime}Z`);

export async function serveNvd(records: CveObject[]): Promise<FakeNvd> {
  const fake: Omit<FakeNvd, 'url' | 'apiUrl' | 'close'> = { records, requests: [], script: [] };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rawQuery = (req.url ?? '').split('?')[1] ?? '';
    const log = (status: number) => {
      const apiKey = req.headers.apikey;
      fake.requests.push({ at: performance.now(), rawQuery, params: url.searchParams, apiKey: typeof apiKey === 'string' ? apiKey : undefined, status });
    };
    if (url.pathname !== API_PATH) {
      log(404);
      res.writeHead(404).end();
      return;
    }
    if (fake.hold?.(url.searchParams)) {
      log(0);
      return;
    }
    const scripted = fake.script.shift();
    if (scripted) {
      log(scripted.status);
      res.writeHead(scripted.status, scripted.headers).end(scripted.body ?? '');
      return;
    }
    const answer = query(fake.records, url.searchParams);
    log(answer.status);
    if (answer.status !== 200) {
      res.writeHead(answer.status, { message: answer.message }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(fake, {
    url,
    apiUrl: `${url}${API_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

type Answer = { status: 200; body: unknown } | { status: 404; message: string };

function query(records: CveObject[], params: URLSearchParams): Answer {
  const size = Number(params.get('resultsPerPage') ?? 2000);
  const start = Number(params.get('startIndex') ?? 0);
  if (!Number.isInteger(size) || size < 1 || size > 2000) return { status: 404, message: 'Invalid resultsPerPage' };
  if (!Number.isInteger(start) || start < 0) return { status: 404, message: 'Invalid startIndex' };
  const from = params.get('lastModStartDate');
  const to = params.get('lastModEndDate');
  let selected = records;
  if (from !== null || to !== null) {
    if (from === null || to === null) return { status: 404, message: 'Both lastModStartDate and lastModEndDate are required' };
    if (!DATE.test(from) || !DATE.test(to)) return { status: 404, message: 'Invalid date format' };
    const [a, b] = [Date.parse(from), Date.parse(to)];
    if (b < a || b - a > MAX_RANGE_MS) return { status: 404, message: 'The date range must not exceed 120 days' };
    selected = records.filter((r) => utc(r.lastModified) >= a && utc(r.lastModified) <= b);
  }
  const page = selected.slice(start, start + size);
  return {
    status: 200,
    body: {
      resultsPerPage: page.length,
      startIndex: start,
      totalResults: selected.length,
      format: 'NVD_CVE',
      version: '2.0',
      timestamp: new Date().toISOString().slice(0, 23),
      vulnerabilities: page.map((cve) => ({ cve })),
    },
  };
}
