// Peak RSS and time of the built CLI on generated hostile layouts (issue 12: memory must not grow with
// the number of files or the size of one). `node --import tsx bench/memory.ts [name,...]` after `npm run build`.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HOSTILE_LAYOUTS } from './hostile-layouts.js';
import { table } from './util.js';

const CLI = join(import.meta.dirname, '../dist/cli.js');
// First scans: with the layer cache on by default, a second run would be served from the first's records.
const ARGS = { sbom: ['sbom', '--format', 'json', '--no-cache'], secrets: ['image', '--scanners', 'secret', '--format', 'json', '--no-cache'] } as const;

export interface Measured {
  rssMb: number;
  seconds: number;
  exit: number | null;
  report: { packages?: unknown[]; findings?: unknown[]; warnings?: unknown[] } | undefined;
}

/** Runs the built CLI on `ref` under /usr/bin/time. */
export function measureCli(args: readonly string[], ref: string): Measured {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb %M', process.execPath, CLI, ...args, ref, '--quiet', '--offline'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, CI: 'true' },
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = Number(/peak-rss-kb (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  let report: Measured['report'];
  try {
    report = JSON.parse(r.stdout) as Measured['report'];
  } catch {
    report = undefined;
  }
  return { rssMb: Math.round(rss / 1024), seconds, exit: r.status, report };
}

export function memoryBench(only?: readonly string[]): string {
  const rows: string[][] = [];
  for (const [key, layout] of Object.entries(HOSTILE_LAYOUTS)) {
    if (only && !only.includes(key)) continue;
    const t = performance.now();
    const ref = layout.build();
    const built = (performance.now() - t) / 1000;
    const m = measureCli(ARGS[layout.command], ref);
    rmSync(ref.slice(4, ref.lastIndexOf(':')), { recursive: true, force: true });
    const found = layout.command === 'sbom' ? `${m.report?.packages?.length ?? '?'} packages` : `${m.report?.findings?.length ?? '?'} findings`;
    rows.push([
      layout.name,
      String(m.rssMb),
      m.seconds.toFixed(1),
      String(m.exit),
      `${found}, ${m.report?.warnings?.length ?? '?'} warnings`,
      built.toFixed(1),
    ]);
  }
  return table(['layout', 'peak RSS MB', 'scan s', 'exit', 'result', 'generated in s'], rows);
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(memoryBench(process.argv[2]?.split(',')));
