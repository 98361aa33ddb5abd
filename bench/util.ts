import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDbUpdate } from '../src/vulndb/index.js';
import { SHARED } from '../test/helpers/testbed.js';

/** The built CLI (`npm run bench` builds it first). */
export const CLI = resolve(import.meta.dirname, '../dist/cli.js');

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A plain aligned text table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export interface TimedRun {
  ms: number;
  rssMb: number;
  /** CPU seconds (user + system) of every thread. */
  cpuS: number;
}

/** Wall time, peak RSS and CPU time of `node ARGS` (with `env` added) under /usr/bin/time; throws with its stderr when it fails. */
export function timedNode(args: string[], env: Record<string, string> = {}): TimedRun {
  const start = process.hrtime.bigint();
  const child = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr.trim()}`);
  const [user, system, rssKb] = (child.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { ms, rssMb: (rssKb ?? 0) / 1024, cpuS: (user ?? 0) + (system ?? 0) };
}

/** Wall seconds of one bash command line (a read limit such as `gzip -dc BLOB | tar -t`). */
export function shellSeconds(command: string): number {
  const start = performance.now();
  const child = spawnSync('bash', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${command} failed: ${child.stderr.trim()}`);
  return (performance.now() - start) / 1000;
}

let database: string | undefined;

/** One vulnerability database per bench run, built from the frozen mirror (untimed) and removed at exit. */
export async function benchDatabase(): Promise<string> {
  if (database) return database;
  const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-bench-db-'));
  process.on('exit', () => rmSync(dbDir, { recursive: true, force: true }));
  await runDbUpdate({ dbDir, mirror: process.env.PLIMSOLL_DB_MIRROR ?? join(SHARED, 'vulndata'), quiet: true });
  database = dbDir;
  return dbDir;
}
