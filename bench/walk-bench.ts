// Plimsoll reading each testbed image (bare walk, OS inventory, full inventory), the debian-app image as
// a docker-archive and recompressed with zstd, against the cost of just reading the bytes with the
// system tools and with Node itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES, TESTBED } from '../test/helpers/testbed.js';
import { benchDatabase, median, shellSeconds, table } from './util.js';
import { zstdImage } from './derived-images.js';

interface Layer {
  digest: string;
  mediaType: string;
}

/** The layer blobs of a layout's image (amd64 for an index), bottom-up. */
export function layoutLayers(layout: string, tag: string): Layer[] {
  const blob = (digest: string): string => blobPath(layout, digest);
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag) ?? index.manifests[0];
  let manifest = JSON.parse(readFileSync(blob(entry?.digest ?? ''), 'utf8')) as {
    layers?: Layer[];
    manifests?: { digest: string; platform?: { architecture: string } }[];
  };
  if (manifest.manifests) {
    const amd64 = manifest.manifests.find((m) => m.platform?.architecture === 'amd64') ?? manifest.manifests[0];
    manifest = JSON.parse(readFileSync(blob(amd64?.digest ?? ''), 'utf8'));
  }
  return manifest.layers ?? [];
}

export function blobPath(layout: string, digest: string): string {
  return join(layout, 'blobs/sha256', digest.slice(7));
}

/** `DECOMPRESS blob | tar -t` over every layer of a layout, one after the other on one thread. */
export function readLimitSeconds(layout: string, tag: string): number {
  return shellSeconds(
    layoutLayers(layout, tag)
      .map((l) => {
        const tool = l.mediaType.includes('zstd') ? 'zstd -dc' : l.mediaType.includes('gzip') ? 'gzip -dc' : 'cat';
        return `${tool} ${blobPath(layout, l.digest)} | tar -t >/dev/null`;
      })
      .join('\n'),
  );
}

/** `tar -xOf ARCHIVE LAYER | tar -t` over every layer of a docker-archive (its layers are plain tars). */
function archiveReadLimit(archive: string): number {
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' })) as { Layers: string[] }[];
  return shellSeconds((manifest[0]?.Layers ?? []).map((layer) => `tar -xOf ${archive} ${layer} | tar -t >/dev/null`).join('\n'));
}

/** Node's own gunzip-and-list of a layout's layers (bench/node-list.mjs), for gzip and plain layers. */
function nodeListSeconds(layout: string, tag: string): number | undefined {
  const layers = layoutLayers(layout, tag);
  if (layers.some((l) => l.mediaType.includes('zstd'))) return undefined;
  const out = execFileSync(process.execPath, [join(import.meta.dirname, 'node-list.mjs'), ...layers.map((l) => blobPath(layout, l.digest))], {
    encoding: 'utf8',
  });
  return (JSON.parse(out) as { seconds: number }).seconds;
}

interface Run {
  seconds: number;
  peakMb: number;
  packages: number;
}

function plimsoll(mode: 'walk' | 'os' | 'all' | 'scan', ref: string, dbDir: string, env: Record<string, string> = {}): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(import.meta.dirname, 'walk.mjs'), mode, ref], {
    encoding: 'utf8',
    env: { ...process.env, ...env, DB_DIR: dbDir },
  });
  if (r.status !== 0) throw new Error(`${mode} of ${ref} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { ms: number; packages: number };
  return { seconds: out.ms / 1000, peakMb: Number(r.stderr.trim().split('\n').pop()) / 1024, packages: out.packages };
}

function summarise(runs: Run[]): { s: string; mb: string } {
  return { s: median(runs.map((r) => r.seconds)).toFixed(3), mb: Math.max(...runs.map((r) => r.peakMb)).toFixed(0) };
}

/** Wall seconds and peak RSS of the built CLI's `sbom REF -o /dev/null --offline --quiet --no-cache`, a first scan end to end (Node's start-up included). */
function sbomCli(ref: string, env: Record<string, string>): Run {
  const started = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', process.execPath, join(import.meta.dirname, '../dist/cli.js'), 'sbom', ref, '-o', '/dev/null', '--offline', '--quiet', '--no-cache'],
    { encoding: 'utf8', env: { ...process.env, ...env } },
  );
  if (r.status !== 0) throw new Error(`sbom of ${ref} failed: ${r.stderr}`);
  return { seconds: (performance.now() - started) / 1000, peakMb: Number(r.stderr.trim().split('\n').pop()) / 1024, packages: 0 };
}

/** One row of the table: an image as some transport gives it, and the cost of just reading its bytes. */
interface BenchInput {
  name: string;
  ref: string;
  readLimit: () => number;
  nodeList: () => number | undefined;
  env?: Record<string, string>;
}

async function benchInputs(): Promise<BenchInput[]> {
  const inputs: BenchInput[] = Object.entries(IMAGES).map(([name, tag]) => {
    const layout = join(TESTBED, 'oci', name);
    return { name, ref: `oci:${layout}:${tag}`, readLimit: () => readLimitSeconds(layout, tag), nodeList: () => nodeListSeconds(layout, tag) };
  });
  const archive = join(TESTBED, 'docker-archive', 'debian-app.tar');
  const archiveInput = { ref: `docker-archive:${archive}`, readLimit: () => archiveReadLimit(archive), nodeList: () => undefined };
  // Its layer digests hashed on the layer worker (PLIMSOLL_HASH_THREAD=1) and in-thread (the default).
  inputs.push(
    { name: 'debian-app docker-archive', ...archiveInput },
    { name: 'debian-app docker-archive, hash worker', ...archiveInput, env: { PLIMSOLL_HASH_THREAD: '1' } },
  );
  // Several large zstd layers, decoded on the worker thread (PLIMSOLL_ZSTD_THREADS=1) and in-thread (the default).
  const zstd = await zstdImage('debian-app');
  process.on('exit', () => rmSync(zstd.dir, { recursive: true, force: true }));
  const zstdInput = { ref: zstd.ref, readLimit: () => readLimitSeconds(zstd.dir, zstd.tag), nodeList: () => undefined };
  inputs.push(
    { name: 'debian-app zstd, worker', ...zstdInput, env: { PLIMSOLL_ZSTD_THREADS: '1' } },
    { name: 'debian-app zstd, in-thread (default)', ...zstdInput },
  );
  return inputs;
}

/**
 * In-process seconds (after Node and module start-up) and peak RSS of the whole process, for the
 * bare walk, the OS inventory, the full inventory, and the whole `plimsoll image` job (database built
 * from the mirror beforehand, not timed); beside them the read limit (the system tools, one thread),
 * Node's own gunzip-and-list of the same layers, and the CLI's `sbom` end to end.
 */
export async function imageBench(runs: number): Promise<string> {
  const dbDir = await benchDatabase();
  const rows: string[][] = [];
  for (const input of await benchInputs()) {
    const env = input.env ?? {};
    const limit = median(Array.from({ length: runs }, input.readLimit));
    const nodeRuns = Array.from({ length: runs }, input.nodeList).filter((s) => s !== undefined);
    const nodeList = nodeRuns.length > 0 ? median(nodeRuns) : undefined;
    const measure = (mode: 'walk' | 'os' | 'all' | 'scan'): Run[] => Array.from({ length: runs }, () => plimsoll(mode, input.ref, dbDir, env));
    const walk = summarise(measure('walk'));
    const osRuns = measure('os');
    const allRuns = measure('all');
    const [os, all, scan] = [summarise(osRuns), summarise(allRuns), summarise(measure('scan'))];
    const cli = summarise(Array.from({ length: runs }, () => sbomCli(input.ref, env)));
    const node = nodeList === undefined ? ['-', '-'] : [nodeList.toFixed(3), (Number(walk.s) / nodeList).toFixed(2)];
    rows.push([
      input.name,
      limit.toFixed(3),
      walk.s,
      (Number(walk.s) / limit).toFixed(2),
      ...node,
      walk.mb,
      os.s,
      os.mb,
      String(osRuns[0]?.packages ?? 0),
      all.s,
      all.mb,
      String(allRuns[0]?.packages ?? 0),
      scan.s,
      scan.mb,
      cli.s,
      cli.mb,
    ]);
  }
  return table(
    [
      'image',
      'read limit s',
      'walk s',
      'walk/limit',
      'node list s',
      'walk/node',
      'walk MB',
      'os-inv s',
      'os-inv MB',
      'os pkgs',
      'full-inv s',
      'full-inv MB',
      'all pkgs',
      'image s',
      'image MB',
      'sbom CLI s',
      'sbom CLI MB',
    ],
    rows,
  );
}
