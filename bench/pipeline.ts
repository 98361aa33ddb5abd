// The pipeline figures issue 14 asks for, each beside its reference measured in the same run:
//   rescan:         a second `plimsoll image` of debian-app with a warm layer cache, as work beyond `node -e 0`,
//                   and a second `--scanners vuln` scan of alpine-3.20, which opens no layer: the fixed cost of a scan;
//   shared-base:    twenty images on debian-bookworm's base layer scanned in turn with one cache dir,
//                   and how many of those scans opened the base layer's blob (strace);
//   docker-archive: `plimsoll image docker-archive:` of debian-app against `cat | tar -t` of the archive;
//   zstd:           debian-app with its layers recompressed as zstd against `zstd -dc | tar -t` per layer.
// A warm scan opens no layer and a layer with a record is never opened (docs/architecture.md, layer cache),
// with every scanner as with `--scanners vuln` (which stores no secrets, so each keeps its own cache dir):
// both are measured.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedBaseImages, zstdImage } from './derived-images.js';
import { CLI, benchDatabase, median, shellSeconds, table, timedNode } from './util.js';
import { readLimitSeconds } from './walk-bench.js';
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

export async function zstdBench(runs: number): Promise<string> {
  const zstd = await zstdImage('debian-app');
  const scratch = mkdtempSync(join(tmpdir(), 'plimsoll-bench-zstd-'));
  try {
    const inputs: [string, string, string, string][] = [
      ['debian-app, 4 zstd layers', zstd.dir, zstd.tag, zstd.ref],
      ['debian-app, 4 gzip layers', join(TESTBED, 'oci', 'debian-app'), IMAGES['debian-app'] ?? '', APP],
    ];
    const rows: string[][] = [];
    for (const [name, layout, tag, ref] of inputs) {
      const args = await imageArgs(ref, scratch, ['--no-cache']);
      const limit: number[] = [];
      const plimsoll: number[] = [];
      for (let i = 0; i < runs; i++) {
        limit.push(readLimitSeconds(layout, tag) * 1000);
        plimsoll.push(timedNode(args).ms);
      }
      rows.push([name, seconds(limit), seconds(plimsoll), (median(plimsoll) / median(limit)).toFixed(2)]);
    }
    return [
      'plimsoll image end to end against decompressing and listing every layer in turn (zstd -dc | tar -t, gzip -dc | tar -t); interleaved runs.',
      '',
      table(['image', 'read limit s', 'plimsoll image s', 'vs read limit'], rows),
    ].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(zstd.dir, { recursive: true, force: true });
  }
}
