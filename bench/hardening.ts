// The hardening pass's added time per testbed image: one read with the inventory's requests, one with the
// inventory's and hardening's, plus runHardening; median of N runs.
// `node --import tsx bench/hardening.ts [runs]` (also a section of `npm run bench`).
import { performance } from 'node:perf_hooks';
import { openImage } from '../src/image/open.js';
import { readImage } from '../src/image/scan.js';
import { ALL_ANALYZERS } from '../src/inventory/analyzers.js';
import { analyzeFilesystem, fileRequests } from '../src/inventory/run.js';
import { hardeningRequests, runHardening } from '../src/hardening/run.js';
import { IMAGES, TESTBED } from '../test/helpers/testbed.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function hardeningBench(runs: number): Promise<string> {
  const rows = ['| image | read (inventory) ms | read (+hardening requests) ms | runHardening ms | added ms | added % |', '|---|---:|---:|---:|---:|---:|'];
  for (const [name, tag] of Object.entries(IMAGES)) {
    const image = await openImage(`oci:${TESTBED}/oci/${name}:${tag}`);
    const base: number[] = [];
    const withReq: number[] = [];
    const checks: number[] = [];
    const inventoryRead = async (): Promise<void> => {
      const t = performance.now();
      await readImage(image, { requests: fileRequests(ALL_ANALYZERS) });
      base.push(performance.now() - t);
    };
    const hardeningRead = async (): Promise<void> => {
      let t = performance.now();
      const contents = await readImage(image, { requests: [...fileRequests(ALL_ANALYZERS), ...hardeningRequests(image.config)] });
      withReq.push(performance.now() - t);
      const { os, packages } = await analyzeFilesystem(contents.fs, ALL_ANALYZERS);
      t = performance.now();
      runHardening({ image, contents, ...(os ? { os } : {}), packages });
      checks.push(performance.now() - t);
    };
    // One warm-up of each (page cache, JIT), then alternate which goes first so neither gets the warm cache.
    await inventoryRead();
    await hardeningRead();
    base.length = withReq.length = checks.length = 0;
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        await inventoryRead();
        await hardeningRead();
      } else {
        await hardeningRead();
        await inventoryRead();
      }
    }
    await image.close();
    const [b, w, c] = [median(base), median(withReq), median(checks)];
    const added = w - b + c;
    rows.push(`| ${name} | ${b.toFixed(0)} | ${w.toFixed(0)} | ${c.toFixed(1)} | ${added.toFixed(0)} | ${((added / b) * 100).toFixed(1)} |`);
  }
  return rows.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await hardeningBench(Number(process.argv[2] ?? 3)));
