// What the enrichment feeds (NVD, CISA KEV, EPSS) cost, measured side by side in one run: the
// database built from the mirror without them and with them (build time, peak RSS, size), and
// matching 1,000 language packages against each (target: under 100 ms per 1,000 packages with
// enrichment). `npm run bench` calls enrichmentBench(runs); run alone with
// `npm run build && node --import tsx bench/enrichment.ts [RUNS]`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { matchVulnerabilities } from '../src/match/index.js';
import type { Package, PackageType } from '../src/model/package.js';
import { openDatabase } from '../src/vulndb/index.js';
import { median, table } from './util.js';
import { handMadePackage } from '../test/helpers/hand-made-package.js';

const DEFAULT_MIRROR = resolve(import.meta.dirname, '../../shared/vulndata');
const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const ENRICHMENT = new Set(['nvd', 'kev', 'epss']);
const PACKAGES = 1000;
const TYPES: Record<string, PackageType> = {
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'golang',
  'crates.io': 'cargo',
  Maven: 'maven',
  RubyGems: 'gem',
  Packagist: 'composer',
};

interface Variant {
  name: string;
  buildMs: number;
  peakRssMb: number;
  dbBytes: number;
  matchMs: number;
  findings: number;
  enriched: number;
}

/** The mirror without its enrichment folders, as symlinks: the same advisories, nothing else. */
function advisoriesOnly(mirror: string, into: string): string {
  mkdirSync(into, { recursive: true });
  for (const entry of readdirSync(mirror)) if (!ENRICHMENT.has(entry)) symlinkSync(join(mirror, entry), join(into, entry));
  return into;
}

/** 1,000 language packages spread over every language package the database knows, at a version old enough to be affected. */
function samplePackages(dbPath: string): Package[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const all = (db.prepare('SELECT DISTINCT ecosystem, name FROM affected ORDER BY ecosystem, name').raw().all() as [string, string][]).filter(
      ([eco]) => TYPES[eco],
    );
    const step = all.length / PACKAGES;
    return Array.from({ length: Math.min(PACKAGES, all.length) }, (_, i) => {
      const [ecosystem, name] = all[Math.floor(i * step)] as [string, string];
      const type = TYPES[ecosystem] as PackageType;
      const version = type === 'golang' ? 'v0.0.1' : '0.0.1';
      return handMadePackage(type, name, version);
    });
  } finally {
    db.close();
  }
}

function measure(name: string, mirror: string, runs: number, packages: (dbPath: string) => Package[]): Variant & { packages: Package[] } {
  const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-bench-enrich-'));
  try {
    const builds: { ms: number; rssKb: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const child = spawnSync(
        '/usr/bin/time',
        ['-f', '%M', process.execPath, CLI, 'db', 'update', '--db-dir', dbDir, '--mirror', mirror, '--quiet', '--offline'],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`${name}: build failed: ${child.stderr.trim()}`);
      builds.push({ ms: Number(process.hrtime.bigint() - start) / 1e6, rssKb: Number(child.stderr.trim().split('\n').pop()) });
    }
    const dbPath = join(dbDir, 'plimsoll.db');
    const inventory = packages(dbPath);
    const times: number[] = [];
    let findings = 0;
    let enriched = 0;
    for (let i = 0; i < Math.max(3, runs); i++) {
      // A fresh handle each time: what one scan pays.
      const db = openDatabase(dbDir);
      try {
        const start = performance.now();
        const { vulnerabilities } = matchVulnerabilities({ packages: inventory }, db);
        times.push(performance.now() - start);
        findings = vulnerabilities.length;
        enriched = vulnerabilities.filter((v) => v.cvss.some((c) => c.from === 'nvd') || v.kev || v.epss).length;
      } finally {
        db.close();
      }
    }
    return {
      name,
      buildMs: median(builds.map((b) => b.ms)),
      peakRssMb: Math.max(...builds.map((b) => b.rssKb)) / 1024,
      dbBytes: statSync(dbPath).size,
      matchMs: median(times),
      findings,
      enriched,
      packages: inventory,
    };
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }
}

export function enrichmentBench(runs = 1, mirror = process.env.PLIMSOLL_DB_MIRROR ?? DEFAULT_MIRROR): string {
  const work = mkdtempSync(join(tmpdir(), 'plimsoll-bench-mirror-'));
  try {
    const full = measure('with NVD + KEV (+ EPSS when the mirror has it)', mirror, runs, samplePackages);
    // The same 1,000 packages against the database without enrichment.
    const base = measure('advisories only', advisoriesOnly(mirror, join(work, 'mirror')), runs, () => full.packages);
    const row = (v: Variant): string[] => [
      v.name,
      `${(v.buildMs / 1000).toFixed(2)} s`,
      `${v.peakRssMb.toFixed(0)} MB`,
      `${(v.dbBytes / 1024 / 1024).toFixed(2)} MB`,
      `${v.matchMs.toFixed(1)} ms`,
      String(v.findings),
      String(v.enriched),
    ];
    const added = (a: number, b: number): string => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(0)}%`;
    return [
      `Enrichment feeds from ${mirror}, builds median of ${runs}; matching ${full.packages.length} language packages (version 0.0.1, so most advisories apply), median of ${Math.max(3, runs)} fresh handles.`,
      '',
      table(['database', 'build', 'build peak RSS', 'size', `match ${full.packages.length} pkgs`, 'findings', 'enriched'], [row(base), row(full)]),
      '',
      `Enrichment adds: build ${added(full.buildMs, base.buildMs)}, size ${added(full.dbBytes, base.dbBytes)}, matching ${added(full.matchMs, base.matchMs)} (target: under 100 ms per 1,000 packages).`,
    ].join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(enrichmentBench(Number(process.argv[2] ?? 1)));
}
