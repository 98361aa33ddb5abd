// Child process of the zstd bench: reads each zstd layer blob given (no analyzers, no requests) through
// the built layer reader, in-thread and on the decoding worker by turns, and prints the median wall
// milliseconds of each: where the worker starts to pay. The worker is started (and everything warmed)
// by a first untimed read of every blob, as a scan of several layers pays its start-up once.
//   node bench/zstd-layers.mjs RUNS BLOB...
import { createReadStream, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readLayer } from '../dist/image/layer-reader.js';
import { MIN_WORKER_START } from '../dist/image/zstd-thread.js';

const [runs, ...blobs] = process.argv.slice(2);
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** Wall ms of one read of `blob`; `blobSize` decides in-thread (0) or on the worker (a size that always gets one). */
async function read(blob, blobSize) {
  const start = performance.now();
  const layer = await readLayer(createReadStream(blob), { index: 0, digest: 'sha256:bench' }, { requests: [], maxLayerSize: 2 ** 40, what: blob, blobSize });
  if (layer.tarBytes === 0) throw new Error(`${blob}: nothing read`);
  return performance.now() - start;
}

const rows = [];
for (const blob of blobs) {
  await read(blob, 0);
  await read(blob, MIN_WORKER_START);
  const inThread = [];
  const worker = [];
  for (let i = 0; i < Number(runs); i++) {
    inThread.push(await read(blob, 0));
    worker.push(await read(blob, MIN_WORKER_START));
  }
  rows.push({ blob, bytes: statSync(blob).size, inThreadMs: median(inThread), workerMs: median(worker) });
}
process.stdout.write(JSON.stringify(rows));
