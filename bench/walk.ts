// Child process of the image benchmarks: reads one image in one mode and prints
// timings, so the parent measures wall time and peak memory of a real process.
//   walk: read every layer, no analyzers;  os: OS detection + OS package analyzers;  all: every analyzer;
//   scan: the whole `plimsoll image` job (inventory, hardening, vulnerabilities) against the database in DB_DIR.
import { openImage } from '../src/image/open.js';
import { readImage } from '../src/image/scan.js';
import { inventoryImage } from '../src/inventory/run.js';
import { ALL_ANALYZERS, OS_ANALYZERS } from '../src/inventory/analyzers.js';
import { scanResolvedImage } from '../src/scan.js';

const [mode, ref] = process.argv.slice(2);
if (!ref || !['walk', 'os', 'all', 'scan'].includes(mode ?? '')) throw new Error('usage: walk.ts walk|os|all|scan REF');
const start = performance.now();
const image = await openImage(ref, {});
let packages = 0;
if (mode === 'walk') await readImage(image);
else if (mode === 'scan') packages = (await scanResolvedImage(image, { db: { dbDir: process.env.DB_DIR, offline: true, quiet: true } })).packages.length;
else packages = (await inventoryImage(image, { analyzers: mode === 'os' ? OS_ANALYZERS : ALL_ANALYZERS })).packages.length;
await image.close();
process.stdout.write(JSON.stringify({ ms: performance.now() - start, packages }));
