// Matching time: each testbed image's inventory against the database built from the vulnerability
// mirror (the matching step alone, the inventory read once beforehand). Target: under 100 ms for
// the largest inventory. `npm run bench` calls matchBench(runs); run alone with
// `node --import tsx bench/match.ts [RUNS]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openImage } from '../src/image/open.js';
import { inventoryImage } from '../src/inventory/run.js';
import { matchVulnerabilities } from '../src/match/index.js';
import { openDatabase, runDbUpdate } from '../src/vulndb/index.js';
import { IMAGES, TESTBED } from '../test/helpers/testbed.js';
import { median, table } from './util.js';

const DEFAULT_MIRROR = resolve(import.meta.dirname, '../../shared/vulndata');

export async function matchBench(runs = 3, mirror = process.env.PLIMSOLL_DB_MIRROR ?? DEFAULT_MIRROR): Promise<string> {
  const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-bench-match-'));
  try {
    await runDbUpdate({ dbDir, mirror, quiet: true });
    const rows: string[][] = [];
    for (const image of Object.keys(IMAGES)) {
      const inventory = await inventoryImage(await openImage(`oci:${join(TESTBED, 'oci', image)}`));
      const cold: number[] = [];
      const warm: number[] = [];
      let found = 0;
      for (let i = 0; i < runs; i++) {
        // A fresh handle per run: the first match after opening is what one CLI scan pays.
        const db = openDatabase(dbDir);
        try {
          let start = performance.now();
          found = matchVulnerabilities(inventory, db).vulnerabilities.length;
          cold.push(performance.now() - start);
          start = performance.now();
          matchVulnerabilities(inventory, db);
          warm.push(performance.now() - start);
        } finally {
          db.close();
        }
      }
      rows.push([image, String(inventory.packages.length), String(found), median(cold).toFixed(1), median(warm).toFixed(1)]);
    }
    return table(['image', 'packages', 'vulnerabilities', 'match ms (new handle)', 'match ms (again)'], rows);
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await matchBench(Number(process.argv[2] ?? 3)));
}
