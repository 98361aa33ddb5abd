// Child process of the image benchmarks: Node's own floor for reading layers. Each blob named on the
// command line is gunzipped (when gzip) with zlib and its tar headers listed, nothing else (no hashing,
// no index, no checks of the format); prints the seconds it took.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { createGunzip } from 'node:zlib';

/** Counts the entries of one tar stream by walking its 512-byte headers. */
async function list(stream) {
  let entries = 0;
  let skip = 0;
  let pending = Buffer.alloc(0);
  for await (const chunk of stream) {
    let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let at = Math.min(skip, buf.length);
    skip -= at;
    while (skip === 0 && buf.length - at >= 512) {
      const size = parseInt(buf.toString('latin1', at + 124, at + 136).replace(/[^0-7]/g, '') || '0', 8);
      if (buf[at] !== 0) entries++;
      at += 512;
      const body = Math.ceil(size / 512) * 512;
      const here = Math.min(body, buf.length - at);
      at += here;
      skip = body - here;
    }
    pending = buf.subarray(at);
  }
  return entries;
}

const start = performance.now();
let entries = 0;
for (const path of process.argv.slice(2)) {
  const handle = await open(path);
  const head = Buffer.alloc(2);
  await handle.read(head, 0, 2, 0);
  await handle.close();
  const raw = createReadStream(path, { highWaterMark: 1024 * 1024 });
  entries += await list(head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw);
}
process.stdout.write(JSON.stringify({ seconds: (performance.now() - start) / 1000, entries }));
