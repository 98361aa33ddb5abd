// The SHA-1 index of Maven artifacts: its size (rows, bytes of its table) when built from the mirror
// plus Debian's /usr/share/maven-repo, the time of 1,000 look-ups (half hits, half misses), and the
// inventory of debian-app with and without the index side by side (issue 13's target: under 5% more).
// What a scan adds is one look-up per jar; an image with few jars shows mostly the machine's noise.
// `npm run bench` calls mavenIndexBench(runs); run alone with `node --import tsx bench/maven-index.ts [RUNS]`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { openImage } from '../src/image/open.js';
import { inventoryImage } from '../src/inventory/run.js';
import { openDatabase, runDbUpdate } from '../src/vulndb/index.js';
import { TESTBED } from '../test/helpers/testbed.js';
import { median, table } from './util.js';

const DEFAULT_MIRROR = resolve(import.meta.dirname, '../../shared/vulndata');
const DEBIAN_REPO = '/usr/share/maven-repo';
const LOOKUPS = 1000;
const IMAGE = 'debian-app';

export async function mavenIndexBench(runs = 3, mirror = process.env.PLIMSOLL_DB_MIRROR ?? DEFAULT_MIRROR): Promise<string> {
  if (!existsSync(DEBIAN_REPO)) return `skipped: no ${DEBIAN_REPO} (apt install liblog4j1.2-java libcommons-collections3-java)`;
  const work = mkdtempSync(join(tmpdir(), 'plimsoll-bench-maven-'));
  try {
    const dbDir = join(work, 'db');
    mkdirSync(dbDir);
    const build = performance.now();
    await runDbUpdate({ dbDir, mirror, sources: [`maven-repo:${DEBIAN_REPO}`], quiet: true });
    const buildMs = performance.now() - build;
    const raw = new Database(join(dbDir, 'plimsoll.db'), { readonly: true });
    const rows = raw.prepare('SELECT count(*) FROM maven_sha1').pluck().get() as number;
    const bytes = raw.prepare("SELECT sum(pgsize) FROM dbstat WHERE name = 'maven_sha1'").pluck().get() as number;
    const hits = raw.prepare('SELECT sha1 FROM maven_sha1').pluck().all() as string[];
    raw.close();
    const keys = Array.from({ length: LOOKUPS }, (_, i) =>
      i % 2 === 0 && hits.length > 0 ? (hits[i % hits.length] as string) : createHash('sha1').update(String(i)).digest('hex'),
    );

    const db = openDatabase(dbDir);
    try {
      const lookupMs = median(
        Array.from({ length: runs }, () => {
          const start = performance.now();
          for (const key of keys) db.mavenBySha1(key);
          return performance.now() - start;
        }),
      );
      const inventory = async (withIndex: boolean): Promise<{ ms: number; cpuMs: number; jars: number; bySha1: number }> => {
        const image = await openImage(`oci:${join(TESTBED, 'oci', IMAGE)}`);
        try {
          const start = performance.now();
          const cpu = process.cpuUsage();
          const result = await inventoryImage(image, withIndex ? { artifactIndex: db } : {});
          const used = process.cpuUsage(cpu);
          const jars = result.packages.filter((p) => p.type === 'maven');
          return {
            ms: performance.now() - start,
            cpuMs: (used.user + used.system) / 1000,
            jars: jars.length,
            bySha1: jars.filter((p) => p.metadata?.identifiedBy === 'sha1').length,
          };
        } finally {
          await image.close();
        }
      };
      // Alternate the two so the page cache and a busy machine weigh on both alike.
      const without: Awaited<ReturnType<typeof inventory>>[] = [];
      const within: Awaited<ReturnType<typeof inventory>>[] = [];
      for (let i = 0; i < runs; i++) {
        without.push(await inventory(false));
        within.push(await inventory(true));
      }
      const found = within[0] ?? { jars: 0, bySha1: 0 };
      // CPU time is what the look-ups cost; wall time on a shared machine mostly says how busy it is.
      const a = median(without.map((r) => r.cpuMs));
      const b = median(within.map((r) => r.cpuMs));
      const wall = (rs: typeof within): string => `${median(rs.map((r) => r.ms)).toFixed(0)} ms wall`;
      return [
        `Index built from ${mirror} plus --source maven-repo:${DEBIAN_REPO}; ${IMAGE} inventoried ${runs} times each way, alternating.`,
        '',
        table(
          ['measure', 'value'],
          [
            ['index rows', String(rows)],
            ['index size (its table and key)', `${(bytes / 1024).toFixed(0)} KiB`],
            [`database build with the repository`, `${(buildMs / 1000).toFixed(2)} s`],
            [`${LOOKUPS} look-ups (half hits), median`, `${lookupMs.toFixed(1)} ms (${((lookupMs * 1000) / LOOKUPS).toFixed(1)} µs each)`],
            [`${IMAGE} inventory without the index, CPU`, `${a.toFixed(0)} ms (${wall(without)})`],
            [
              `${IMAGE} inventory with the index (${found.jars} jars, ${found.bySha1} by SHA-1), CPU`,
              `${b.toFixed(0)} ms, ${(((b - a) / a) * 100).toFixed(1)}% (${wall(within)}); target < 5%`,
            ],
          ],
        ),
      ].join('\n');
    } finally {
      db.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await mavenIndexBench(Number(process.argv[2] ?? 3)));
