// `npm run bench:server [-- --duration 60 --clients 50 --only sqlite,pg-1,pg-3 --postgres URL]`
// The server under load, on loopback: `--clients` clients each submit, one after another for
// `--duration` seconds, the SBOM of the testbed's debian-app image (199 components, 127 Debian
// packages) under one of IMAGES digests, so the fleet is resubmitted as CI pipelines would; every 10 s
// an admin asks for a rematch of the whole fleet, which the job workers run meanwhile. Reports
// throughput and p50/p99 latency, for SQLite (jobs in the server) and for PostgreSQL with 1 and with 3
// `plimsoll worker` processes (the server then runs no jobs). Fails when a request errs or an
// acknowledged submission is not in the store. The server and workers are the built CLI
// (dist/cli.js), each its own process; the vulnerability database is built from the frozen mirror.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { freshPostgresDatabase } from '../test/server/helpers.js';
import { table } from './util.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    clients: { type: 'string', default: '50' },
    only: { type: 'string', default: 'sqlite,pg-1,pg-3' },
    postgres: { type: 'string', default: process.env.PLIMSOLL_TEST_POSTGRES ?? '' },
    testbed: { type: 'string', default: process.env.PLIMSOLL_TESTBED ?? '/var/cache/plimsoll-testbed' },
    mirror: { type: 'string', default: process.env.PLIMSOLL_DB_MIRROR ?? resolve(import.meta.dirname, '../../shared/vulndata') },
  },
});
const DURATION_MS = Number(values.duration) * 1000;
const CLIENTS = Number(values.clients);
/** Distinct images in the fleet. */
const IMAGES = 200;
const REMATCH_EVERY_MS = 10_000;
const CLI = resolve(import.meta.dirname, '../dist/cli.js');

interface Setup {
  name: string;
  store: 'sqlite' | 'postgres';
  /** `plimsoll worker` processes (PostgreSQL); with SQLite the jobs run in the server. */
  workers: number;
}

const SETUPS: Setup[] = [
  { name: 'sqlite', store: 'sqlite', workers: 0 },
  { name: 'pg-1', store: 'postgres', workers: 1 },
  { name: 'pg-3', store: 'postgres', workers: 3 },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** A POST on the client's own keep-alive connection (fetch's shared pool served the first requests last). */
function post(agent: Agent, url: string, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.cyclonedx+json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function cli(...args: string[]): Promise<string> {
  return (await run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

function spawnCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function listening(child: ChildProcess): Promise<string> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 600; i++) {
    const m = /listening on (http:\/\/\S+)/.exec(stderr);
    if (m) return m[1] as string;
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`the server did not start: ${stderr}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

interface Row {
  setup: string;
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  lost: number;
  rematches: number;
}

async function measure(setup: Setup, work: string, dbDir: string, template: string, digest: string): Promise<Row> {
  const postgres = setup.store === 'postgres' ? await freshPostgresDatabase(values.postgres) : undefined;
  const storeArgs = postgres ? ['--database', postgres.url] : ['--data-dir', join(work, `data-${setup.name}`)];
  const children: ChildProcess[] = [];
  try {
    const server = spawnCli([
      'server',
      '--port',
      '0',
      ...storeArgs,
      '--workers',
      postgres ? '0' : '1',
      '--db-dir',
      dbDir,
      '--offline',
      '--db-update-interval',
      '0',
      '--log-level',
      'error',
    ]);
    children.push(server);
    const url = await listening(server);
    for (let i = 0; i < setup.workers; i++) children.push(spawnCli(['worker', ...storeArgs, '--db-dir', dbDir, '--offline']));
    const token = (await cli('server', 'token', 'create', ...storeArgs, '--project', 'bench', '--scope', 'submit,read')).trim();
    const admin = (await cli('server', 'token', 'create', ...storeArgs, '--scope', 'admin')).trim();

    const latencies: number[] = [];
    const errors: string[] = [];
    const acknowledged = new Set<string>();
    let sent = 0;
    let answered = 0;
    const started = performance.now();
    const end = started + DURATION_MS;

    const client = async (c: number): Promise<void> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let n = 0; performance.now() < end; n++) {
        const image = (c * 7919 + n) % IMAGES;
        const body = template.replaceAll(digest, `sha256:${image.toString(16).padStart(64, '0')}`);
        const t0 = performance.now();
        sent++;
        try {
          const response = await post(agent, `${url}/api/v1/projects/bench/images`, token, body);
          const text = response.text;
          answered++;
          latencies.push(performance.now() - t0);
          const id = /"image":\{"id":"([0-9a-f-]{36})"/.exec(text)?.[1];
          if (response.status !== 200 || !id) errors.push(`HTTP ${response.status} ${text.slice(0, 120)}`);
          else acknowledged.add(id);
        } catch (err) {
          answered++;
          errors.push((err as Error).message);
        }
      }
      agent.destroy();
    };

    const rematchJobs: string[] = [];
    const rematcher = (async () => {
      for (let next = started + REMATCH_EVERY_MS; next < end; next += REMATCH_EVERY_MS) {
        await sleep(next - performance.now());
        const r = await fetch(`${url}/api/v1/admin/rematch`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
        const { job } = (await r.json()) as { job: { id: string } };
        if (!rematchJobs.includes(job.id)) rematchJobs.push(job.id);
      }
    })();
    await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => client(c)), rematcher]);
    const elapsed = (performance.now() - started) / 1000;

    let rematches = 0;
    for (const id of rematchJobs) {
      const { job } = (await (await fetch(`${url}/api/v1/admin/jobs/${id}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
        job: { state: string };
      };
      if (job.state === 'succeeded') rematches++;
    }
    const listed = (await (await fetch(`${url}/api/v1/projects/bench/images?limit=1000`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      images: { id: string }[];
    };
    const stored = new Set(listed.images.map((i) => i.id));
    const lost = [...acknowledged].filter((id) => !stored.has(id)).length + (sent - answered);
    latencies.sort((a, b) => a - b);
    if (errors.length > 0) console.error(`${setup.name}: ${errors.length} errors, first: ${errors[0]}`);
    return {
      setup: setup.name,
      requests: answered,
      throughput: answered / elapsed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
      errors: errors.length,
      lost,
      rematches,
    };
  } finally {
    for (const child of children.reverse()) await stop(child);
    await postgres?.drop();
  }
}

const only = new Set(values.only.split(','));
const chosen = SETUPS.filter((s) => only.has(s.name));
if (chosen.some((s) => s.store === 'postgres') && !values.postgres)
  throw new Error('--postgres URL (or PLIMSOLL_TEST_POSTGRES) is needed for the PostgreSQL setups: a role that may create databases');
const work = mkdtempSync(join(tmpdir(), 'plimsoll-server-load-'));
try {
  const sbomFile = join(work, 'debian-app.cdx.json');
  await cli('sbom', `oci:${join(values.testbed, 'oci', 'debian-app')}`, '-q', '-o', sbomFile);
  const template = readFileSync(sbomFile, 'utf8');
  const digest = (JSON.parse(template) as { metadata: { component: { version: string } } }).metadata.component.version;
  const dbDir = join(work, 'db');
  await cli('db', 'update', '--db-dir', dbDir, '--mirror', values.mirror, '--offline', '--quiet');

  const rows: Row[] = [];
  for (const setup of chosen) rows.push(await measure(setup, work, dbDir, template, digest));
  const ms = (v: number) => v.toFixed(0);
  console.log(
    `\n${CLIENTS} clients, ${values.duration} s each, debian-app SBOMs (${Math.round(template.length / 1024)} KiB) over ${IMAGES} images; a rematch of the fleet asked every ${REMATCH_EVERY_MS / 1000} s\n`,
  );
  console.log(
    table(
      ['setup', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'lost', 'rematches done'],
      rows.map((r) => [
        r.setup,
        String(r.requests),
        r.throughput.toFixed(1),
        ms(r.p50),
        ms(r.p99),
        ms(r.max),
        String(r.errors),
        String(r.lost),
        String(r.rematches),
      ]),
    ),
  );
  for (const r of rows) {
    assert.equal(r.errors, 0, `${r.setup}: no request errs`);
    assert.equal(r.lost, 0, `${r.setup}: no request or acknowledged submission is lost`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
