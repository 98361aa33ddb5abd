import { existsSync } from 'node:fs';
import { PlimsollError } from './errors.js';
import type { CheckGroup } from './hardening/check.js';
import { hardeningRequests, runHardening, type HardeningResult } from './hardening/run.js';
import { openImage } from './image/open.js';
import type { ResolvedImage, SourceOptions } from './image/types.js';
import { inventoryImage, type InventoryResult } from './inventory/run.js';
import { matchVulnerabilities, type MatchResult } from './match/index.js';
import { applyPolicy, type PolicyOptions, type PolicyResult } from './policy/index.js';
import { buildReport, type Report } from './report/report.js';
import { databasePath, openDatabase, resolveDbDir, runDbUpdate } from './vulndb/index.js';

/** What `plimsoll image --scanners` chooses between. */
export const SCANNERS = ['vuln', 'config', 'secret'] as const;
export type Scanner = (typeof SCANNERS)[number];

export interface ScanOptions {
  scanners?: readonly Scanner[];
  maxLayerSize?: number;
  /** The vulnerability database: where it is, and how to build it when it is missing. */
  db?: { dbDir?: string; mirror?: string; sources?: string[]; offline?: boolean; quiet?: boolean; maxAgeDays?: number };
  policy?: PolicyOptions;
  /** Match through a Plimsoll server instead of the local database (`image --server`): it gets the inventory, never the image. */
  remote?: RemoteMatch;
}

/** What matching gives a scan, wherever it ran. */
export interface MatchOutcome {
  match: MatchResult;
  notices: string[];
  attributions: string[];
}

export type RemoteMatch = (image: ResolvedImage, inventory: InventoryResult) => Promise<MatchOutcome>;

/** Everything one scan found, before it is shaped into the report. */
export interface ScanResult {
  inventory: InventoryResult;
  hardening?: HardeningResult;
  match?: MatchResult;
  policy?: PolicyResult;
  /** Database age warnings and the like, for the report. */
  notices: string[];
  /** Notices the data sources' terms ask for (NVD's), for the report. */
  attributions: string[];
}

export function parseScanners(text: string): Scanner[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(SCANNERS as readonly string[]).includes(name)) throw new PlimsollError(`--scanners: unknown scanner "${name}" (known: ${SCANNERS.join(', ')})`);
  }
  return names as Scanner[];
}

/**
 * Matches the inventory against the local database, building it first when there is none yet
 * (never with --offline: then the user is told to run `db update`).
 */
async function matchInventory(inventory: InventoryResult, options: NonNullable<ScanOptions['db']>): Promise<MatchOutcome> {
  const dbDir = resolveDbDir(options.dbDir);
  if (!existsSync(databasePath(dbDir))) {
    if (options.offline) throw new PlimsollError(`no vulnerability database in ${dbDir}, and --offline forbids building one: run 'plimsoll db update' (or 'db import FILE') first, or scan with --scanners config,secret`);
    if (!options.quiet) process.stderr.write(`plimsoll: no vulnerability database in ${dbDir} yet; building it (plimsoll db update)\n`);
    await runDbUpdate({ dbDir, ...(options.mirror ? { mirror: options.mirror } : {}), ...(options.sources ? { sources: options.sources } : {}), quiet: options.quiet });
  }
  const db = openDatabase(dbDir);
  try {
    const status = db.status(options.maxAgeDays !== undefined ? { maxAgeDays: options.maxAgeDays } : {});
    return { match: matchVulnerabilities({ ...(inventory.os ? { os: inventory.os } : {}), packages: inventory.packages }, db), notices: status.warnings, attributions: status.notices };
  } finally {
    db.close();
  }
}

/** Reads a resolved image once: inventory, hardening, vulnerabilities, policy. */
export async function scanResolved(image: ResolvedImage, options: ScanOptions = {}): Promise<ScanResult> {
  const scanners = options.scanners ?? SCANNERS;
  const groups: CheckGroup[] = scanners.filter((s): s is CheckGroup => s === 'config' || s === 'secret');
  const inventory = await inventoryImage(image, {
    ...(options.maxLayerSize ? { maxLayerSize: options.maxLayerSize } : {}),
    extraRequests: groups.length > 0 ? hardeningRequests(image.config) : [],
  });
  const hardening = groups.length > 0 ? runHardening({ image, contents: inventory.contents, ...(inventory.os ? { os: inventory.os } : {}), packages: inventory.packages, groups }) : undefined;
  const findings = hardening?.findings ?? [];
  if (!scanners.includes('vuln')) return { inventory, ...(hardening ? { hardening } : {}), policy: applyPolicy([], options.policy ?? {}, findings), notices: [], attributions: [] };
  const { match, notices, attributions } = options.remote ? await options.remote(image, inventory) : await matchInventory(inventory, options.db ?? {});
  const policy = applyPolicy(match.vulnerabilities, options.policy ?? {}, findings);
  return { inventory, ...(hardening ? { hardening } : {}), match, policy, notices, attributions };
}

/** The JSON report of one resolved image. */
export async function scanResolvedImage(image: ResolvedImage, options: ScanOptions = {}): Promise<Report> {
  return buildReport(image, await scanResolved(image, options));
}

/** The whole job for a library user: `await scanImage('oci:/path/layout:tag')`. */
export async function scanImage(ref: string, options: ScanOptions & SourceOptions = {}): Promise<Report> {
  const image = await openImage(ref, options);
  try {
    return await scanResolvedImage(image, options);
  } finally {
    await image.close();
  }
}
