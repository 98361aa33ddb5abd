import { existsSync } from 'node:fs';
import type { LayerCache } from './cache/layer-cache.js';
import { PlimsollError } from './errors.js';
import type { CheckGroup } from './hardening/check.js';
import type { Finding } from './model/finding.js';
import { hardeningFacts, secretsRequest } from './hardening/requests.js';
import type { HardeningResult } from './hardening/run.js';
import { LayerSecretsScanner, processSecretKey } from './hardening/checks/secret-files.js';
import { openImage } from './image/open.js';
import type { ResolvedImage, SourceOptions } from './image/types.js';
import { inventoryImage, type InventoryResult, type LayerSecretScan } from './inventory/run.js';
import { matchVulnerabilities, type MatchResult } from './match/index.js';
import { applyPolicy, type PolicyOptions, type PolicyResult } from './policy/index.js';
import { buildReport, type Report } from './report/report.js';
// From the modules themselves, not vulndb/index.js: a scan loads the database's reader, and its builder only when there is no database yet.
import { databasePath, openDatabase, type VulnDatabase } from './vulndb/database.js';
import { resolveDbDir } from './vulndb/options.js';
import type { DbUpdateOptions } from './vulndb/update.js';
import { isOsPackage } from './match/ecosystems.js';
import { pathSkipper, type SkipPaths } from './skip-paths.js';
import { PKG_TYPES, SCANNERS, type PkgType, type Scanner } from './model/scanners.js';
import type { ScanWarning } from './model/warning.js';

export interface ScanOptions {
  scanners?: readonly Scanner[];
  maxLayerSize?: number;
  /** Image paths the inventory and the hardening pass never see (`--skip-dirs`, `--skip-files`). */
  skip?: SkipPaths;
  /** Which packages are listed and matched (default both). */
  pkgTypes?: readonly PkgType[];
  /** The vulnerability database: where it is, and how to build it when it is missing. */
  db?: Pick<DbUpdateOptions, 'dbDir' | 'mirror' | 'sources' | 'offline' | 'quiet' | 'messages'> & { maxAgeDays?: number };
  policy?: PolicyOptions;
  /** Match through a Plimsoll server instead of the local database (`image --server`): it gets the inventory, never the image. */
  remote?: RemoteMatch;
  /** What earlier scans found per layer (see cache/layer-cache.ts): read and filled when given; the caller closes it. */
  cache?: LayerCache;
}

/** What matching gives a scan, wherever it ran. */
export interface MatchOutcome {
  match: MatchResult;
  notices: ScanWarning[];
  attributions: string[];
}

/** `secrets`: the secret findings when the secret scanner ran (the server is told how many, by rule, never what), else undefined. */
export type RemoteMatch = (image: ResolvedImage, inventory: InventoryResult, secrets: readonly Finding[] | undefined) => Promise<MatchOutcome>;

/** Everything one scan found, before it is shaped into the report. */
export interface ScanResult {
  inventory: InventoryResult;
  hardening?: HardeningResult;
  match?: MatchResult;
  policy?: PolicyResult;
  /** Database age warnings and the like, for the report. */
  notices: ScanWarning[];
  /** Notices the data sources' terms ask for (NVD's), for the report. */
  attributions: string[];
}

export function parseScanners(text: string): Scanner[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(SCANNERS as readonly string[]).includes(name)) throw new PlimsollError(`--scanners: unknown scanner "${name}" (known: ${SCANNERS.join(', ')})`);
  }
  return names as Scanner[];
}

export function parsePkgTypes(text: string): PkgType[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(PKG_TYPES as readonly string[]).includes(name))
      throw new PlimsollError(`--pkg-types: unknown package type "${name}" (known: ${PKG_TYPES.join(', ')})`);
  }
  return names as PkgType[];
}

/**
 * Opens the local database, building it first when there is none yet (never with --offline: then
 * the user is told to run `db update`). It is opened before the image is read, since the inventory
 * identifies jars by its SHA-1 index.
 */
async function openScanDatabase(options: NonNullable<ScanOptions['db']>): Promise<VulnDatabase> {
  const dbDir = resolveDbDir(options.dbDir);
  if (!existsSync(databasePath(dbDir))) {
    // A mirror directory needs no network, so --offline may build from it.
    const localMirror = options.mirror !== undefined && !/^https?:\/\//i.test(options.mirror);
    if (options.offline && !localMirror)
      throw new PlimsollError(
        `no vulnerability database in ${dbDir}, and --offline forbids downloading one: build it from a feed mirror with 'plimsoll db update --mirror DIR' (or install an exported one with 'plimsoll db import FILE'), or scan with --scanners config,secret`,
      );
    if (!options.quiet) options.messages?.notice?.(`no vulnerability database in ${dbDir} yet; building it (plimsoll db update)`);
    const { runDbUpdate } = await import('./vulndb/update.js');
    await runDbUpdate({
      dbDir,
      ...(options.mirror ? { mirror: options.mirror } : {}),
      ...(options.sources ? { sources: options.sources } : {}),
      quiet: options.quiet,
      messages: options.messages,
      offline: options.offline === true,
    });
  }
  return openDatabase(dbDir);
}

/** The inventory against the local database, with the database's age warnings and attributions. */
function matchLocally(inventory: InventoryResult, db: VulnDatabase | undefined, maxAgeDays: number | undefined): MatchOutcome {
  if (!db) throw new Error('no database open for a local match');
  const status = db.status(maxAgeDays !== undefined ? { maxAgeDays } : {});
  const match = matchVulnerabilities({ ...(inventory.os ? { os: inventory.os } : {}), packages: inventory.packages }, db);
  return { match, notices: status.warnings, attributions: status.notices };
}

/** The per-layer secret scan of one image, hashing secrets with `key`. */
function layerSecretScan(key: Buffer): LayerSecretScan {
  const scanner = new LayerSecretsScanner(key);
  return { request: secretsRequest, next: (entries, cached) => scanner.next(entries, cached) };
}

/** Reads a resolved image once: inventory, hardening, vulnerabilities, policy. The caller closes `inventory.contents`. */
export async function scanResolved(image: ResolvedImage, options: ScanOptions = {}): Promise<ScanResult> {
  const scanners = options.scanners ?? SCANNERS;
  const groups: CheckGroup[] = scanners.filter((s): s is CheckGroup => s === 'config' || s === 'secret');
  const skip = options.skip ? pathSkipper(options.skip) : undefined;
  // A server matches remotely: no local database (its SHA-1 index then stays unused, as in `sbom`).
  const db = scanners.includes('vuln') && !options.remote ? await openScanDatabase(options.db ?? {}) : undefined;
  const secrets = groups.includes('secret');
  // Records' secret hashes use the cache's own key: a cache that cannot give one (unwritable) sits out a secret scan.
  const cacheKey = secrets ? options.cache?.secretKey() : undefined;
  const cache = secrets && !cacheKey ? undefined : options.cache;
  try {
    const everything = await inventoryImage(image, {
      ...(options.maxLayerSize ? { maxLayerSize: options.maxLayerSize } : {}),
      ...(skip ? { skip } : {}),
      facts: groups.length > 0 ? hardeningFacts(image.config) : [],
      ...(secrets ? { secrets: layerSecretScan(cacheKey ?? processSecretKey()) } : {}),
      ...(db ? { artifactIndex: db } : {}),
      ...(cache ? { cache } : {}),
    });
    try {
      return await judge(image, everything, options, db, groups);
    } catch (err) {
      everything.contents.close();
      throw err;
    }
  } finally {
    db?.close();
  }
}

/** What the inventory yields: hardening, the match (here or remote) and the policy. */
async function judge(
  image: ResolvedImage,
  everything: InventoryResult,
  options: ScanOptions,
  db: VulnDatabase | undefined,
  groups: readonly CheckGroup[],
): Promise<ScanResult> {
  const scanners = options.scanners ?? SCANNERS;
  // Imported here: `--scanners vuln` needs none of the checks, nor the Dockerfile parser they load.
  // The attack surface counts every package; --pkg-types narrows only what is listed and matched.
  const hardening =
    groups.length > 0
      ? (await import('./hardening/run.js')).runHardening({
          image,
          contents: everything.contents,
          ...(everything.os ? { os: everything.os } : {}),
          packages: everything.packages,
          groups,
          ...(everything.secrets ? { layerSecrets: everything.secrets } : {}),
          facts: everything.facts,
        })
      : undefined;
  const pkgTypes = options.pkgTypes;
  const inventory = pkgTypes
    ? { ...everything, packages: everything.packages.filter((p) => pkgTypes.includes(isOsPackage(p) ? 'os' : 'library')) }
    : everything;
  const findings = hardening?.findings ?? [];
  if (!scanners.includes('vuln'))
    return { inventory, ...(hardening ? { hardening } : {}), policy: applyPolicy([], options.policy ?? {}, findings), notices: [], attributions: [] };
  const secrets = scanners.includes('secret') ? findings.filter((f) => f.kind === 'secret') : undefined;
  const { match, notices, attributions } = options.remote
    ? await options.remote(image, inventory, secrets)
    : matchLocally(inventory, db, options.db?.maxAgeDays);
  const policy = applyPolicy(match.vulnerabilities, options.policy ?? {}, findings);
  return { inventory, ...(hardening ? { hardening } : {}), match, policy, notices, attributions };
}

/** The JSON report of one resolved image. */
export async function scanResolvedImage(image: ResolvedImage, options: ScanOptions = {}): Promise<Report> {
  const scan = await scanResolved(image, options);
  try {
    return buildReport(image, scan);
  } finally {
    scan.inventory.contents.close();
  }
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
