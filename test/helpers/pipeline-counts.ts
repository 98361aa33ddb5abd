// What the pipeline produces on every testbed image, reduced to counts a rebuild of the pipeline
// must not change: packages by type, vulnerabilities by severity, findings by id, and the OS. The
// layer each package is attributed to is kept apart, since a change of attribution can be meant.
// Shared by scripts/record-pipeline-counts.mjs (records) and test/cli/pipeline-counts.test.ts (compares).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { IMAGES, SHARED, TESTBED, registryEnv } from './testbed.js';

const run = promisify(execFile);

export const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
export const COUNTS_FILE = resolve(import.meta.dirname, '../fixtures/pipeline-counts.json');

/** One image through one transport. */
export interface Target {
  name: string;
  ref: string;
  /** Registry scans cannot take --offline; the database is already built, so nothing is fetched. */
  offline: boolean;
}

export interface Counts {
  os: string;
  packages: number;
  packagesByType: Record<string, number>;
  vulnerabilities: number;
  vulnerabilitiesBySeverity: Record<string, number>;
  findings: number;
  findingsById: Record<string, number>;
}

/** Package id → index of the layer(s) it was attributed to, ids sorted. */
export type LayerAttribution = Record<string, number | number[]>;

export interface Recorded {
  provenance: { commit: string; command: string; date: string; database: string };
  counts: Record<string, Counts>;
  layers: Record<string, LayerAttribution>;
}

/** Every testbed image through every transport the testbed provides for it. */
export function targets(): Target[] {
  const registry = registryEnv();
  if (!registry) throw new Error(`testbed registries not started (${join(TESTBED, 'registry', 'env')} missing)`);
  return Object.entries(IMAGES).flatMap(([image, tag]) => {
    const dockerArchive = [`${image}.tar`, `${image}-amd64.tar`].map((f) => join(TESTBED, 'docker-archive', f)).find((f) => existsSync(f));
    const ociArchive = join(TESTBED, 'oci-archive', `${image}.tar`);
    return [
      { name: `${image} oci`, ref: `oci:${join(TESTBED, 'oci', image)}:${tag}`, offline: true },
      ...(existsSync(ociArchive) ? [{ name: `${image} oci-archive`, ref: `oci-archive:${ociArchive}:${tag}`, offline: true }] : []),
      ...(dockerArchive ? [{ name: `${image} docker-archive`, ref: `docker-archive:${dockerArchive}`, offline: true }] : []),
      { name: `${image} registry`, ref: `${registry.anon}/testbed/${image}:${tag}`, offline: false },
    ];
  });
}

/** Builds the database from the frozen feed mirror into a temporary directory, with the built CLI. */
export async function buildDatabase(): Promise<{ dbDir: string; remove: () => void }> {
  const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-counts-db-'));
  await run(process.execPath, [CLI, 'db', 'update', '--mirror', join(SHARED, 'vulndata'), '--db-dir', dbDir, '--offline', '--quiet']);
  return { dbDir, remove: () => rmSync(dbDir, { recursive: true, force: true }) };
}

interface Report {
  artifact: { os?: { family: string; version: string } };
  packages: { id: string; type: string; locations?: { layerIndex?: number }[] }[];
  vulnerabilities: { severity: string }[];
  findings: { id: string }[];
}

function tally(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...keys].sort()) out[key] = (out[key] ?? 0) + 1;
  return out;
}

export function countsOf(report: Report): Counts {
  const os = report.artifact.os;
  return {
    os: os ? `${os.family} ${os.version}` : 'none',
    packages: report.packages.length,
    packagesByType: tally(report.packages.map((p) => p.type)),
    vulnerabilities: report.vulnerabilities.length,
    vulnerabilitiesBySeverity: tally(report.vulnerabilities.map((v) => v.severity)),
    findings: report.findings.length,
    findingsById: tally(report.findings.map((f) => f.id)),
  };
}

export function layersOf(report: Report): LayerAttribution {
  const out: LayerAttribution = {};
  for (const p of [...report.packages].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const indexes = [...new Set((p.locations ?? []).map((l) => l.layerIndex ?? -1))].sort((a, b) => a - b);
    out[p.id] = indexes.length === 1 ? (indexes[0] as number) : indexes;
  }
  return out;
}

/** `plimsoll image REF --format json` with the built CLI against dbDir. */
async function scan(target: Target, dbDir: string): Promise<Report> {
  const args = [CLI, 'image', target.ref, '--db-dir', dbDir, '--format', 'json', '--quiet', ...(target.offline ? ['--offline'] : [])];
  try {
    const { stdout } = await run(process.execPath, args, { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CI: 'true' } });
    return JSON.parse(stdout) as Report;
  } catch (err) {
    throw new Error(`${target.name}: plimsoll image ${target.ref} failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`, {
      cause: err,
    });
  }
}

/** Scans every target, two at a time (the machine has two cores), and reduces each report. */
export async function measure(all: Target[], dbDir: string): Promise<Pick<Recorded, 'counts' | 'layers'>> {
  const reports = new Map<string, Report>();
  const queue = [...all];
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t; t = queue.shift()) reports.set(t.name, await scan(t, dbDir));
  };
  await Promise.all([worker(), worker()]);
  const counts: Recorded['counts'] = {};
  const layers: Recorded['layers'] = {};
  for (const t of all) {
    const report = reports.get(t.name) as Report;
    counts[t.name] = countsOf(report);
    layers[t.name] = layersOf(report);
  }
  return { counts, layers };
}

export function readRecorded(): Recorded {
  return JSON.parse(readFileSync(COUNTS_FILE, 'utf8')) as Recorded;
}

/** One line per difference between two records of one section: `target: key: recorded → now`. */
export function differences(recorded: Record<string, object>, now: Record<string, object>): string[] {
  const lines: string[] = [];
  for (const target of [...new Set([...Object.keys(recorded), ...Object.keys(now)])].sort()) {
    const was = recorded[target] as Record<string, unknown> | undefined;
    const is = now[target] as Record<string, unknown> | undefined;
    if (!was || !is) {
      lines.push(`${target}: ${was ? 'recorded but not scanned now' : 'scanned now but not recorded'}`);
      continue;
    }
    lines.push(...diffValues(target, was, is));
  }
  return lines;
}

function diffValues(where: string, was: unknown, is: unknown): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(was) && isObject(is)) {
    return [...new Set([...Object.keys(was), ...Object.keys(is)])].sort().flatMap((key) => diffValues(`${where}: ${key}`, was[key], is[key]));
  }
  return JSON.stringify(was) === JSON.stringify(is) ? [] : [`${where}: recorded ${JSON.stringify(was) ?? '(none)'} → now ${JSON.stringify(is) ?? '(none)'}`];
}
