// Plimsoll's walk of every layer against the cost of just reading the bytes
// (decompress + untar with the system tools), per testbed image.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES, TESTBED } from '../test/helpers/testbed.js';
import { median, table } from './util.js';

interface Layer {
  digest: string;
  mediaType: string;
}

/** Wall seconds of `DECOMPRESS blob | tar -t` over every layer, as one shell command. */
function readLimitSeconds(layout: string, tag: string): number {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag) ?? index.manifests[0];
  let manifest = JSON.parse(readFileSync(join(layout, 'blobs/sha256', entry?.digest.slice(7) ?? ''), 'utf8')) as { layers?: Layer[]; manifests?: { digest: string; platform?: { architecture: string } }[] };
  if (manifest.manifests) {
    const amd64 = manifest.manifests.find((m) => m.platform?.architecture === 'amd64') ?? manifest.manifests[0];
    manifest = JSON.parse(readFileSync(join(layout, 'blobs/sha256', amd64?.digest.slice(7) ?? ''), 'utf8'));
  }
  const commands = (manifest.layers ?? []).map((l) => {
    const blob = join(layout, 'blobs/sha256', l.digest.slice(7));
    const tool = l.mediaType.includes('zstd') ? 'zstd -dc' : l.mediaType.includes('gzip') ? 'gzip -dc' : 'cat';
    return `${tool} ${blob} | tar -t >/dev/null`;
  });
  const start = performance.now();
  execFileSync('bash', ['-c', commands.join('\n')]);
  return (performance.now() - start) / 1000;
}

function plimsollWalk(ref: string): { wallS: number; walkS: number; peakMb: number; files: number } {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '--import', 'tsx', join(import.meta.dirname, 'walk.ts'), ref], { encoding: 'utf8' });
  const wallS = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`walk of ${ref} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { walkMs: number; files: number };
  const peakKb = Number(r.stderr.trim().split('\n').pop());
  return { wallS, walkS: out.walkMs / 1000, peakMb: peakKb / 1024, files: out.files };
}

export function walkBench(runs: number): string {
  const rows: string[][] = [];
  for (const [name, tag] of Object.entries(IMAGES)) {
    const layout = join(TESTBED, 'oci', name);
    const ref = `oci:${layout}:${tag}`;
    const limit = median(Array.from({ length: runs }, () => readLimitSeconds(layout, tag)));
    const walks = Array.from({ length: runs }, () => plimsollWalk(ref));
    const walk = median(walks.map((w) => w.walkS));
    const wall = median(walks.map((w) => w.wallS));
    const peak = Math.max(...walks.map((w) => w.peakMb));
    rows.push([name, String(walks[0]?.files ?? 0), limit.toFixed(3), walk.toFixed(3), (walk / limit).toFixed(2), wall.toFixed(3), peak.toFixed(0)]);
  }
  return table(['image', 'files', 'read limit s', 'plimsoll walk s', 'ratio', 'process wall s', 'peak MB'], rows);
}
