// Plimsoll reading each testbed image (bare walk, OS inventory, full inventory)
// against the cost of just reading the bytes with the system tools.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES, TESTBED } from '../test/helpers/testbed.js';
import { benchDatabase, median, shellSeconds, table } from './util.js';

interface Layer {
  digest: string;
  mediaType: string;
}

/** Wall seconds of `DECOMPRESS blob | tar -t` over every layer (amd64 for an index), as one shell command. */
export function readLimitSeconds(layout: string, tag: string): number {
  const blob = (digest: string): string => join(layout, 'blobs/sha256', digest.slice(7));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag) ?? index.manifests[0];
  let manifest = JSON.parse(readFileSync(blob(entry?.digest ?? ''), 'utf8')) as { layers?: Layer[]; manifests?: { digest: string; platform?: { architecture: string } }[] };
  if (manifest.manifests) {
    const amd64 = manifest.manifests.find((m) => m.platform?.architecture === 'amd64') ?? manifest.manifests[0];
    manifest = JSON.parse(readFileSync(blob(amd64?.digest ?? ''), 'utf8'));
  }
  const commands = (manifest.layers ?? []).map((l) => {
    const tool = l.mediaType.includes('zstd') ? 'zstd -dc' : l.mediaType.includes('gzip') ? 'gzip -dc' : 'cat';
    return `${tool} ${blob(l.digest)} | tar -t >/dev/null`;
  });
  return shellSeconds(commands.join('\n'));
}

interface Run {
  seconds: number;
  peakMb: number;
  packages: number;
}

function plimsoll(mode: 'walk' | 'os' | 'all' | 'scan', ref: string, dbDir: string): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(import.meta.dirname, 'walk.mjs'), mode, ref], { encoding: 'utf8', env: { ...process.env, DB_DIR: dbDir } });
  if (r.status !== 0) throw new Error(`${mode} of ${ref} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { ms: number; packages: number };
  return { seconds: out.ms / 1000, peakMb: Number(r.stderr.trim().split('\n').pop()) / 1024, packages: out.packages };
}

function summarise(runs: Run[]): { s: string; mb: string } {
  return { s: median(runs.map((r) => r.seconds)).toFixed(3), mb: Math.max(...runs.map((r) => r.peakMb)).toFixed(0) };
}

/**
 * In-process seconds (after Node and module start-up) and peak RSS of the whole process, for the
 * bare walk, the OS inventory, the full inventory, and the whole `plimsoll image` job (database built
 * from the mirror beforehand, not timed).
 */
export async function imageBench(runs: number): Promise<string> {
  const dbDir = await benchDatabase();
  const rows: string[][] = [];
  for (const [name, tag] of Object.entries(IMAGES)) {
    const layout = join(TESTBED, 'oci', name);
    const ref = `oci:${layout}:${tag}`;
    const limit = median(Array.from({ length: runs }, () => readLimitSeconds(layout, tag)));
    const measure = (mode: 'walk' | 'os' | 'all' | 'scan'): Run[] => Array.from({ length: runs }, () => plimsoll(mode, ref, dbDir));
    const walk = summarise(measure('walk'));
    const osRuns = measure('os');
    const allRuns = measure('all');
    const [os, all, scan] = [summarise(osRuns), summarise(allRuns), summarise(measure('scan'))];
    rows.push([name, limit.toFixed(3), walk.s, (Number(walk.s) / limit).toFixed(2), walk.mb, os.s, os.mb, String(osRuns[0]?.packages ?? 0), all.s, all.mb, String(allRuns[0]?.packages ?? 0), scan.s, scan.mb]);
  }
  return table(['image', 'read limit s', 'walk s', 'walk/limit', 'walk MB', 'os-inv s', 'os-inv MB', 'os pkgs', 'full-inv s', 'full-inv MB', 'all pkgs', 'image s', 'image MB'], rows);
}
