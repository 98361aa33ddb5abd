// The pipeline figures issue 14 asks for, each beside its reference measured in the same run:
//   rescan:         a second `plimsoll image` of debian-app with a warm layer cache, as work beyond `node -e 0`,
//                   and a second `--scanners vuln` scan of alpine-3.20, which opens no layer: the fixed cost of a scan;
//   shared-base:    twenty images on debian-bookworm's base layer scanned in turn with one cache dir,
//                   and how many of those scans opened the base layer's blob (strace);
//   docker-archive: `plimsoll image docker-archive:` of debian-app against `cat | tar -t` of the archive;
//   zstd:           debian-app recompressed as zstd and alpine-3.20-zstd, with the decoding worker and without,
//                   against `zstd -dc | tar -t` per layer, and each zstd layer alone both ways.
// A warm scan opens no layer and a layer with a record is never opened (docs/architecture.md, layer cache),
// with every scanner as with `--scanners vuln` (which stores no secrets, so each keeps its own cache dir):
// both are measured.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedBaseImages, zstdImage } from './derived-images.js';
import { CLI, benchDatabase, median, shellSeconds, table, timedNode, type TimedRun } from './util.js';
import { blobPath, layoutLayers, readLimitSeconds } from './walk-bench.js';
import { IMAGES, TESTBED } from '../test/helpers/testbed.js';

const APP = `oci:${join(TESTBED, 'oci', 'debian-app')}:${IMAGES['debian-app']}`;
const ALPINE = `oci:${join(TESTBED, 'oci', 'alpine-3.20')}:${IMAGES['alpine-3.20']}`;
const SHARED_BASE_IMAGES = 20;

/** `plimsoll image REF` as the bench runs it: offline against the bench database, JSON report to a scratch file (first scans pass --no-cache: the default cache would make later runs warm). */
async function imageArgs(ref: string, scratch: string, cache: string[] = []): Promise<string[]> {
  return [CLI, 'image', ref, '--db-dir', await benchDatabase(), '--offline', '--quiet', '--format', 'json', '--output', join(scratch, 'report.json'), ...cache];
}

const seconds = (ms: number[]): string => (median(ms) / 1000).toFixed(3);

export async function rescanBench(runs: number): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'plimsoll-bench-rescan-'));
  try {
    const commands: [string, string[]][] = [['node -e 0', ['-e', '0']]];
    for (const [scanners, extra] of [
      ['every scanner', []],
      ['--scanners vuln', ['--scanners', 'vuln']],
    ] as const) {
      const cacheArgs = ['--cache-dir', join(scratch, `cache-${extra.length}`), ...extra];
      timedNode(await imageArgs(APP, scratch, cacheArgs)); // the first scan fills the cache
      commands.push([`plimsoll image, ${scanners}, --no-cache`, await imageArgs(APP, scratch, ['--no-cache', ...extra])]);
      commands.push([`plimsoll image, ${scanners}, warm cache (second scan)`, await imageArgs(APP, scratch, cacheArgs)]);
    }
    // Nothing in alpine-3.20 is read again by a warm vuln scan (no npm manifest, no hardening): start-up, the cache's records, the match and the report.
    const fixedCost = ['--cache-dir', join(scratch, 'cache-alpine'), '--scanners', 'vuln'];
    timedNode(await imageArgs(ALPINE, scratch, fixedCost));
    commands.push(['plimsoll image alpine-3.20, --scanners vuln, warm cache (opens no layer)', await imageArgs(ALPINE, scratch, fixedCost)]);
    const walls = commands.map((): number[] => []);
    for (let i = 0; i < runs; i++) commands.forEach(([, args], c) => walls[c]?.push(timedNode(args).ms));
    const node = median(walls[0] ?? []);
    const rows = commands.map(([name], c) => [name, seconds(walls[c] ?? []), c === 0 ? '-' : ((median(walls[c] ?? []) - node) / 1000).toFixed(3)]);
    return [
      `debian-app (and alpine-3.20 for a scan that reads no layer), interleaved runs. Target: the warm second scan at most 0.25 s beyond node -e 0.`,
      '',
      table(['command', 'wall s', 'beyond node s'], rows),
    ].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** How many times a traced scan opened `blob`, from its `strace -f -e trace=openat` log. */
function opensOf(log: string, blob: string): number {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes(blob) && !line.includes('ENOENT')).length;
}

export async function sharedBaseBench(): Promise<string> {
  const images = await sharedBaseImages('debian-bookworm', SHARED_BASE_IMAGES);
  const scratch = mkdtempSync(join(tmpdir(), 'plimsoll-bench-shared-'));
  try {
    const rows: string[][] = [];
    for (const [scanners, extra] of [
      ['every scanner', []],
      ['--scanners vuln', ['--scanners', 'vuln']],
    ] as const) {
      const cache = ['--cache-dir', join(scratch, `cache-${extra.length}`), ...extra];
      let scansOpening = 0;
      let opens = 0;
      const walls: number[] = [];
      for (const ref of images.refs) {
        const log = join(scratch, 'strace.log');
        const start = performance.now();
        const child = spawnSync(
          'strace',
          ['-f', '--seccomp-bpf', '-e', 'trace=openat', '-o', log, process.execPath, ...(await imageArgs(ref, scratch, cache))],
          {
            encoding: 'utf8',
          },
        );
        walls.push(performance.now() - start);
        if (child.status !== 0) throw new Error(`plimsoll image ${ref} failed: ${child.stderr.trim()}`);
        const n = opensOf(log, images.baseBlob);
        opens += n;
        if (n > 0) scansOpening++;
      }
      rows.push([`one --cache-dir, ${scanners}`, String(SHARED_BASE_IMAGES), String(scansOpening), String(opens), seconds(walls)]);
    }
    return [
      `${SHARED_BASE_IMAGES} images = debian-bookworm's base layer + one small layer each, scanned in turn under strace -f (openat only). Target: the base layer analysed once (one scan opens its blob).`,
      '',
      table(['run', 'images', 'scans that opened the base blob', 'opens of the base blob', 'median wall s (under strace)'], rows),
    ].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(images.dir, { recursive: true, force: true });
  }
}

export async function dockerArchiveBench(runs: number): Promise<string> {
  const archive = join(TESTBED, 'docker-archive', 'debian-app.tar');
  const scratch = mkdtempSync(join(tmpdir(), 'plimsoll-bench-archive-'));
  try {
    const args = await imageArgs(`docker-archive:${archive}`, scratch, ['--no-cache']);
    const limit: number[] = [];
    const node: number[] = [];
    const plimsoll: number[] = [];
    for (let i = 0; i < runs; i++) {
      limit.push(shellSeconds(`cat ${archive} | tar -t >/dev/null`) * 1000);
      node.push(timedNode(['-e', '0']).ms);
      plimsoll.push(timedNode(args).ms);
    }
    const rows = [
      ['cat | tar -t (read limit)', seconds(limit), '1.00'],
      ['node -e 0', seconds(node), '-'],
      ['plimsoll image docker-archive:', seconds(plimsoll), (median(plimsoll) / median(limit)).toFixed(2)],
    ];
    return [
      `debian-app as docker save writes it (uncompressed layers), interleaved runs. Target: plimsoll image at most 0.5 s end to end.`,
      '',
      table(['command', 'wall s', 'vs read limit'], rows),
    ].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * zstd images read in-thread (the default) and with the decoding worker (PLIMSOLL_ZSTD_THREADS=1), side by
 * side in one run: `plimsoll image` end to end against the read limit, with its CPU time; then each zstd
 * layer alone through the layer reader, in-thread and on the (already started) worker, which is where
 * the size from which a layer joins the running worker (MIN_THREADED_ZSTD) comes from.
 */
export async function zstdBench(runs: number): Promise<string> {
  const zstd = await zstdImage('debian-app');
  const scratch = mkdtempSync(join(tmpdir(), 'plimsoll-bench-zstd-'));
  try {
    const alpine = join(TESTBED, 'oci', 'alpine-3.20-zstd');
    const bothWays: [string, Record<string, string>][] = [
      ['worker', { PLIMSOLL_ZSTD_THREADS: '1' }],
      ['in-thread (default)', {}],
    ];
    const images: { name: string; layout: string; tag: string; ref: string; ways: [string, Record<string, string>][] }[] = [
      { name: 'debian-app recompressed, 4 zstd layers', layout: zstd.dir, tag: zstd.tag, ref: zstd.ref, ways: bothWays },
      {
        name: 'alpine-3.20-zstd, 1 zstd layer',
        layout: alpine,
        tag: IMAGES['alpine-3.20-zstd'] ?? '',
        ref: `oci:${alpine}:${IMAGES['alpine-3.20-zstd']}`,
        ways: bothWays,
      },
      {
        name: 'debian-app, 4 gzip layers (reference)',
        layout: join(TESTBED, 'oci', 'debian-app'),
        tag: IMAGES['debian-app'] ?? '',
        ref: APP,
        ways: [['-', {}]],
      },
    ];
    const rows: string[][] = [];
    for (const { name, layout, tag, ref, ways } of images) {
      const args = await imageArgs(ref, scratch, ['--no-cache']);
      const limit: number[] = [];
      const runsOf = ways.map((): TimedRun[] => []);
      for (let i = 0; i < runs; i++) {
        limit.push(readLimitSeconds(layout, tag) * 1000);
        // Interleaved, so that the machine's load falls on every way alike.
        ways.forEach(([, env], w) => runsOf[w]?.push(timedNode(args, env)));
      }
      ways.forEach(([way], w) => {
        const wall = (runsOf[w] ?? []).map((r) => r.ms);
        const cpu = median((runsOf[w] ?? []).map((r) => r.cpuS));
        rows.push([name, way, seconds(limit), seconds(wall), cpu.toFixed(3), (median(wall) / median(limit)).toFixed(2)]);
      });
    }
    const blobs = [
      ...layoutLayers(zstd.dir, zstd.tag).map((l) => blobPath(zstd.dir, l.digest)),
      ...layoutLayers(alpine, IMAGES['alpine-3.20-zstd'] ?? '').map((l) => blobPath(alpine, l.digest)),
    ];
    const child = spawnSync(process.execPath, [join(import.meta.dirname, 'zstd-layers.mjs'), String(Math.max(runs, 5)), ...blobs], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`bench/zstd-layers.mjs failed: ${child.stderr.trim()}`);
    const layers = (JSON.parse(child.stdout) as { bytes: number; inThreadMs: number; workerMs: number }[]).sort((a, b) => a.bytes - b.bytes);
    return [
      'plimsoll image end to end (--no-cache), with the zstd decoding worker and without, against decompressing and listing every layer in turn (zstd -dc | tar -t, gzip -dc | tar -t); interleaved runs.',
      '',
      table(['image', 'zstd decoding', 'read limit s', 'plimsoll image s', 'CPU s (all threads)', 'vs read limit'], rows),
      '',
      'Each zstd layer alone through the layer reader (bench/zstd-layers.mjs: no analyzers; the worker already started), in-thread and on the worker, interleaved; median ms.',
      '',
      table(
        ['compressed bytes', 'in-thread ms', 'worker ms', 'worker / in-thread'],
        layers.map((l) => [String(l.bytes), l.inThreadMs.toFixed(1), l.workerMs.toFixed(1), (l.workerMs / l.inThreadMs).toFixed(2)]),
      ),
    ].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(zstd.dir, { recursive: true, force: true });
  }
}
