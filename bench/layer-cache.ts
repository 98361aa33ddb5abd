// The layer cache's side of a rescan: for each layer of two testbed images and a generated 200k-entry
// listing, what reading the layer costs against encoding its listing, storing it (brotli + SQLite) and
// getting it back, with the listing's bytes per entry before and after compression. `npm run bench --
// --only layer-cache`; alone: `node --import tsx bench/layer-cache.ts`.
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LayerCache } from '../src/cache/layer-cache.js';
import { decodeListing, encodeListing } from '../src/image/layer-listing.js';
import { readLayer, type LayerContent, type LayerEntry } from '../src/image/layer-reader.js';
import { TESTBED } from '../test/helpers/testbed.js';
import { median, table } from './util.js';

function layerBlobs(image: string): string[] {
  const dir = join(TESTBED, 'oci', image);
  const blob = (digest: string): string => join(dir, 'blobs', ...digest.split(':'));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as { layers: { digest: string }[] };
  return manifest.layers.map((l) => blob(l.digest));
}

const ms = (start: number): number => performance.now() - start;

function generated(count: number): LayerContent {
  const entry = (i: number): LayerEntry => ({
    path: `usr/share/doc/package-${i % 3000}/changelog-${i}.gz`,
    type: 'file',
    mode: 0o644,
    size: i * 13,
    uid: 0,
    gid: 0,
  });
  const entries = {
    *[Symbol.iterator]() {
      for (let i = 0; i < count; i++) yield entry(i);
    },
  };
  return { ref: { index: 0, digest: 'sha256:generated' }, entries, whiteouts: [], opaqueDirs: [], compression: 'none', tarBytes: 0, warnings: [] };
}

/** One row: the layer read once, then encode, put, get and decode+walk timed over `runs`. */
async function row(name: string, read: (() => Promise<LayerContent>) | LayerContent, runs: number, cache: LayerCache): Promise<string[]> {
  const reads: number[] = [];
  let content = typeof read === 'function' ? undefined : read;
  for (let r = 0; r < runs && typeof read === 'function'; r++) {
    const start = performance.now();
    content = await read();
    reads.push(ms(start));
  }
  const layer = content as LayerContent;
  const times = { encode: [] as number[], put: [] as number[], get: [] as number[] };
  let listing: Buffer = Buffer.alloc(0);
  let entries = 0;
  for (let r = 0; r < runs; r++) {
    let start = performance.now();
    listing = encodeListing(layer);
    times.encode.push(ms(start));
    start = performance.now();
    cache.put(name, listing);
    times.put.push(ms(start));
    start = performance.now();
    const back = decodeListing(cache.get(name) as Buffer, layer.ref);
    entries = 0;
    for (const _ of back.entries) entries++;
    times.get.push(ms(start));
  }
  const stored = cache.status().bytes;
  cache.clean();
  const m = (xs: number[]): string => `${median(xs).toFixed(1)} ms`;
  const readCost = reads.length > 0 ? [m(reads)] : ['-'];
  const ratio = reads.length > 0 ? `${(median(reads) / median(times.get)).toFixed(0)}×` : '-';
  return [
    name,
    String(entries),
    (listing.length / entries).toFixed(1),
    (stored / entries).toFixed(1),
    ...readCost,
    m(times.encode),
    m(times.put),
    m(times.get),
    ratio,
  ];
}

export async function layerCacheBench(runs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-bench-cache-'));
  const cache = LayerCache.open({ dir });
  try {
    // The generated listing first: it also warms the code up before the layers are timed.
    const rows: string[][] = [await row('generated, 200k entries', generated(200_000), runs, cache)];
    for (const image of ['debian-app', 'alpine-3.20']) {
      for (const [index, path] of layerBlobs(image).entries()) {
        const ref = { index, digest: `sha256:${path.split('/').at(-1) ?? ''}` };
        rows.push(
          await row(`${image} layer ${index}`, () => readLayer(createReadStream(path), ref, { requests: [], maxLayerSize: 2 ** 34, what: path }), runs, cache),
        );
      }
    }
    const header = ['layer', 'entries', 'listing B/entry', 'stored B/entry', 'read layer', 'encode', 'put', 'get + decode + walk', 'read ÷ get'];
    return ['Reading a layer (metadata only) against getting its listing back from the cache.', '', table(header, rows)].join('\n');
  } finally {
    cache.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await layerCacheBench(3));
