// Child process of the walk benchmark: reads every layer of one image (no output
// but timings), so the parent can measure wall time and peak memory of a real process.
import { openImage } from '../src/image/open.js';
import { readImage } from '../src/image/scan.js';

const ref = process.argv[2];
if (!ref) throw new Error('usage: walk.ts REF');
const start = performance.now();
const image = await openImage(ref, {});
const contents = await readImage(image);
await image.close();
let files = 0;
for (const _ of contents.fs.entries()) files++;
process.stdout.write(JSON.stringify({ walkMs: performance.now() - start, files, tarBytes: contents.layers.reduce((n, l) => n + l.tarBytes, 0) }));
