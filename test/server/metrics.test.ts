// GET /metrics after real activity (submissions, scheduled database updates with their rematch of
// every stored image, a failed update), read back by parsing the text exposition format; and the
// optional metrics token.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server/serve.js';
import { api, createToken, makeFixture, npmRecord, sampleSbom, startTestServer, type Fixture } from './helpers.js';

const BASE = npmRecord('CVE-2099-0001', 'left-pad', '1.2.0');
const ADDED = npmRecord('CVE-2099-0003', 'is-odd', '3.0.0');

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format: `# HELP`/`# TYPE` lines, then `name{label="value",...} number` samples. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1] as string, l[2] as string]));
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

let fixture: Fixture;
let server: RunningServer;

async function scrape(): Promise<ReturnType<typeof parseExposition>> {
  const response = await fetch(`${server.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

/** Polls (100 ms, at most `seconds`) until `done`. */
async function until(what: string, seconds: number, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('GET /metrics after real activity', () => {
  before(async () => {
    fixture = await makeFixture([BASE]);
    // The database is rebuilt every second: the schedule under test.
    server = await startTestServer(fixture, [], 1000);
  });
  after(async () => {
    await server.close();
    fixture.remove();
  });

  it('the scheduled database update matches every stored image of every project again', async () => {
    const a = await createToken(server, 'team-a', ['submit']);
    const b = await createToken(server, 'team-b', ['submit']);
    for (const [token, project, digest] of [
      [a, 'team-a', '1'],
      [a, 'team-a', '2'],
      [b, 'team-b', '3'],
    ] as const) {
      assert.equal(
        (await api(server, 'POST', `/api/v1/projects/${project}/images`, token, sampleSbom(`app:${digest}`, `sha256:${digest.repeat(64)}`))).status,
        200,
      );
    }
    fixture.writeFeed([BASE, ADDED]);
    const submitted = new Date().toISOString();
    // Bounded: the next scheduled rebuild, and the rematch after it, within 20 s.
    await until('a scheduled update and its rematch', 20, async () => {
      const ids = await server.ctx.store.imageIds();
      for (const id of ids) {
        const image = (await server.ctx.store.getImage('team-a', id)) ?? (await server.ctx.store.getImage('team-b', id));
        if (!image || image.matchedAt < submitted || !image.vulnerabilities.some((v) => v.id === 'CVE-2099-0003')) return false;
      }
      return ids.length === 3;
    });
  });

  it('counts requests by route, times matches, gives the database age and the jobs by kind and state', async () => {
    const { types, samples } = await scrape();
    assert.equal(types.get('plimsoll_http_requests_total'), 'counter');
    assert.equal(value(samples, 'plimsoll_http_requests_total', { method: 'POST', route: '/api/v1/projects/:project/images', status: '200' }), 3);
    assert.equal(types.get('plimsoll_match_duration_seconds'), 'histogram');
    // Three submissions, then at least one rematch of the three images.
    assert.ok((value(samples, 'plimsoll_match_duration_seconds_count') ?? 0) >= 6);
    assert.equal(value(samples, 'plimsoll_match_duration_seconds_bucket', { le: '+Inf' }), value(samples, 'plimsoll_match_duration_seconds_count'));
    assert.ok((value(samples, 'plimsoll_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/projects/:project/images' }) ?? 0) === 3);
    const age = value(samples, 'plimsoll_vulnerability_database_age_seconds');
    assert.ok(age !== undefined && age >= 0 && age < 60, `database age ${age}`);
    for (const kind of ['db-update', 'rematch', 'registry-scan', 'registry-catalog']) {
      for (const state of ['queued', 'running']) assert.ok(value(samples, 'plimsoll_jobs', { kind, state }) !== undefined, `${kind} ${state}`);
      assert.ok(value(samples, 'plimsoll_jobs', { kind, state: 'failed' }) !== undefined, kind);
    }
    assert.equal(types.get('plimsoll_registry_scan_duration_seconds'), 'histogram');
    assert.ok(value(samples, 'plimsoll_process_resident_memory_bytes') !== undefined);
  });

  it('counts a failed database update', async () => {
    rmSync(fixture.feed, { recursive: true });
    await until(
      'a failed scheduled update',
      20,
      async () => (value((await scrape()).samples, 'plimsoll_jobs', { kind: 'db-update', state: 'failed' }) ?? 0) >= 1,
    );
    fixture.writeFeed([BASE, ADDED]);
  });
});

describe('GET /metrics with a metrics token', () => {
  it('refuses a scrape without it or with another, answers with it', async () => {
    const own = await makeFixture([BASE]);
    const running = await startTestServer(own, [], 0, { metricsToken: 'scrape-secret' });
    try {
      for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
        const r = await fetch(`${running.url}/metrics`, { headers });
        assert.equal(r.status, 401);
        assert.doesNotMatch(await r.text(), /plimsoll_/);
      }
      const r = await fetch(`${running.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret' } });
      assert.equal(r.status, 200);
      assert.match(await r.text(), /^# HELP /m);
    } finally {
      await running.close();
      own.remove();
    }
  });
});
