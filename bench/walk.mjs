// Child process of the image benchmarks: reads one image in one mode through the built library
// (dist/, as a user's program would load it, so peak memory is the product's and not a transpiler's)
// and prints timings; the parent measures wall time and peak memory of this real process.
//   walk: read every layer, no analyzers;  os: OS detection + OS package analyzers;  all: every analyzer;
//   scan: the whole `plimsoll image` job (inventory, hardening, vulnerabilities) against the database in DB_DIR.
import { performance } from 'node:perf_hooks';
import { ALL_ANALYZERS, OS_ANALYZERS, inventoryImage, openImage, readImage, scanResolvedImage } from '../dist/index.js';

const [mode, ref] = process.argv.slice(2);
if (!ref || !['walk', 'os', 'all', 'scan'].includes(mode ?? '')) throw new Error('usage: walk.mjs walk|os|all|scan REF');
const start = performance.now();
const image = await openImage(ref, {});
let packages = 0;
if (mode === 'walk') await readImage(image);
else if (mode === 'scan') packages = (await scanResolvedImage(image, { db: { dbDir: process.env.DB_DIR, offline: true, quiet: true } })).packages.length;
else packages = (await inventoryImage(image, { analyzers: mode === 'os' ? OS_ANALYZERS : ALL_ANALYZERS })).packages.length;
await image.close();
process.stdout.write(JSON.stringify({ ms: performance.now() - start, packages }));
