// Vulnerability database figures: a full build from the mirror (time, peak memory of the
// building process), an update when no feed changed (incremental: nothing is read again), the database size, and the matcher's look-up of all advisories for
// 1,000 (ecosystem, package) pairs. `npm run bench` calls vulndbBench(runs); run alone with
// `npm run build && node --import tsx bench/vulndb.ts [RUNS]`.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/vulndb/index.js';
import { median, table } from './util.js';

export interface VulndbFigures {
  mirror: string;
  runs: number;
  /** Medians over the runs; peak RSS is the highest seen. */
  buildMs: number;
  buildPeakRssMb: number;
  /** `db update` again with every feed unchanged. */
  unchangedMs: number;
  records: number;
  dbBytes: number;
  lookups: number;
  advisoriesReturned: number;
  /** First pass right after opening the database (cold page cache of SQLite). */
  lookupColdMs: number;
  lookupMs: number;
  /** CPU time of the look-up passes: on a loaded machine, closer to what the code costs. */
  lookupCpuMs: number;
}

const DEFAULT_MIRROR = resolve(import.meta.dirname, '../../shared/vulndata');
/** The built CLI (`npm run bench` builds first). */
const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const PAIRS = 1000;
const LOOKUP_PASSES = 5;

export function measureVulndb(runs = 1, mirror = process.env.PLIMSOLL_DB_MIRROR ?? DEFAULT_MIRROR): VulndbFigures {
  const builds: { buildMs: number; maxRssKb: number; records: number }[] = [];
  const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-bench-vulndb-'));
  // Each build is the built CLI's own `db update`, so its wall time and peak RSS are the product's.
  const update = (): { ms: number; child: SpawnSyncReturns<string> } => {
    const start = process.hrtime.bigint();
    const child = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'db', 'update', '--db-dir', dbDir, '--mirror', mirror, '--quiet'], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`vulndb build failed: ${child.stderr.trim()}`);
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, child };
  };
  try {
    const unchanged: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A full build each time: an empty directory, so nothing is kept from the run before.
      rmSync(dbDir, { recursive: true, force: true });
      const { ms: buildMs, child } = update();
      unchanged.push(update().ms);
      const status = JSON.parse(execFileSync(process.execPath, [CLI, 'db', 'status', '--db-dir', dbDir, '--format', 'json'], { encoding: 'utf8' })) as {
        sources: { records: number }[];
      };
      const records = status.sources.reduce((n, source) => n + source.records, 0);
      builds.push({ buildMs, maxRssKb: Number(child.stderr.trim().split('\n').pop()), records });
    }
    const pairs = samplePairs(join(dbDir, 'plimsoll.db'));
    const db = openDatabase(dbDir);
    try {
      const pass = () => {
        const start = process.hrtime.bigint();
        const cpu = process.cpuUsage();
        let n = 0;
        for (const [ecosystem, name] of pairs) n += db.advisoriesFor(ecosystem, name).length;
        const used = process.cpuUsage(cpu);
        return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000, n };
      };
      const cold = pass();
      const warm = Array.from({ length: LOOKUP_PASSES }, pass);
      return {
        mirror,
        runs,
        buildMs: median(builds.map((b) => b.buildMs)),
        buildPeakRssMb: Math.max(...builds.map((b) => b.maxRssKb)) / 1024,
        unchangedMs: median(unchanged),
        records: builds[0]?.records ?? 0,
        dbBytes: statSync(join(dbDir, 'plimsoll.db')).size,
        lookups: pairs.length,
        advisoriesReturned: cold.n,
        lookupColdMs: cold.ms,
        lookupMs: median(warm.map((p) => p.ms)),
        lookupCpuMs: median(warm.map((p) => p.cpuMs)),
      };
    } finally {
      db.close();
    }
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }
}

/** 1,000 pairs spread evenly over every (ecosystem, package) the database knows. */
function samplePairs(path: string): [string, string][] {
  const db = new Database(path, { readonly: true });
  try {
    const all = db.prepare('SELECT DISTINCT ecosystem, name FROM affected ORDER BY ecosystem, name').raw().all() as [string, string][];
    const step = all.length / PAIRS;
    return Array.from({ length: Math.min(PAIRS, all.length) }, (_, i) => all[Math.floor(i * step)] as [string, string]);
  } finally {
    db.close();
  }
}

export function formatVulndb(f: VulndbFigures): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    `Full build from ${f.mirror} (${f.records} records), median of ${f.runs}; look-ups: median of ${LOOKUP_PASSES} passes.`,
    '',
    table(
      ['measure', 'value'],
      [
        ['build time', `${(f.buildMs / 1000).toFixed(2)} s`],
        ['build peak RSS', `${f.buildPeakRssMb.toFixed(0)} MB`],
        ['update with no feed changed', `${(f.unchangedMs / 1000).toFixed(2)} s (target < 1 s)`],
        ['database size', `${(f.dbBytes / 1024 / 1024).toFixed(1)} MB`],
        [`${f.lookups} look-ups (${f.advisoriesReturned} advisories), wall`, `${ms(f.lookupMs)} (target < 50 ms)`],
        [`${f.lookups} look-ups, CPU`, ms(f.lookupCpuMs)],
        [`${f.lookups} look-ups, first pass after open`, ms(f.lookupColdMs)],
      ],
    ),
  ].join('\n');
}

/** The section `npm run bench` prints. */
export function vulndbBench(runs: number): string {
  return formatVulndb(measureVulndb(runs));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(vulndbBench(Number(process.argv[2] ?? 1)));
}
