// Java archives (.jar .war .ear .par .jpi .hpi), nested ones at any depth (Spring Boot BOOT-INF/lib,
// WAR WEB-INF/lib), each identified by its pom.properties, else its manifest, else its file name.
// A Maven purl needs the groupId: a jar whose group stays unknown is `metadata.unresolved`, named
// `pkg:generic/<name>@<version>`, and matched through NVD CPE instead of Maven's advisories.
// Archives are read in memory under one budget per scan (a budget per file would let many small zip
// bombs multiply it), and one archive's wanted entries are held only up to a cap, so a zip bomb, an
// archive that contains itself or a huge MANIFEST.MF costs a warning, not the scan.
import { createHash } from 'node:crypto';
import type { CapturedFile, FileInfo } from '../../image/files.js';
import { errorMessage } from '../../errors.js';
import { packageId } from '../../model/inventory.js';
import type { Package, ScanWarning } from '../../model/package.js';
import { genericPurl, mavenPurl } from '../../model/purl.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult } from '../analyzer.js';
import { ArchiveLimitError, readZipEntries, type ZipBudget, type ZipEntryBody } from './binary/zip.js';
import { fileNameCoordinates, manifestCoordinates, manifestVendorHint, parseManifest, pomCoordinates, type MavenCoordinates } from './java-metadata.js';
import { OsIdentityRecorder } from './common/os-owner.js';
import { perFileAsync } from './common/per-file.js';

const ARCHIVE = /\.(?:jar|war|ear|par|jpi|hpi)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = 'META-INF/MANIFEST.MF';

export interface JavaLimits {
  /** Archives inside archives, below the image file. */
  maxDepth: number;
  /** Entries listed over every archive of a scan. */
  maxEntries: number;
  /** Bytes inflated over every archive of a scan. */
  maxInflated: number;
  /** Bytes of one archive's wanted entries (metadata, nested archives) held in memory at once. */
  maxHeld: number;
}

export const DEFAULT_JAVA_LIMITS: JavaLimits = { maxDepth: 8, maxEntries: 1_000_000, maxInflated: 1024 * 1024 * 1024, maxHeld: 64 * 1024 * 1024 };

/** A fresh budget for one scan. */
export function javaBudget(limits: JavaLimits = DEFAULT_JAVA_LIMITS): ZipBudget {
  return { entries: limits.maxEntries, bytes: limits.maxInflated };
}

interface Walk {
  file: CapturedFile;
  budget: ZipBudget;
  limits: JavaLimits;
  packages: Package[];
  warnings: ScanWarning[];
}

function wanted(name: string): boolean {
  return name === MANIFEST || POM_PROPERTIES.test(name) || ARCHIVE.test(name);
}

function javaPackage(walk: Walk, path: string, sha1: string, coords: MavenCoordinates, identifiedBy: string, vendorHint?: string): Package {
  const { groupId, artifactId, version } = coords;
  const name = groupId ? `${groupId}:${artifactId}` : artifactId;
  return {
    id: packageId('maven', name, version, path),
    name,
    version,
    type: 'maven',
    purl: groupId ? mavenPurl(groupId, artifactId, version) : genericPurl(artifactId, version),
    locations: [{ path, layer: walk.file.layer }],
    metadata: { sha1, identifiedBy, ...(groupId ? {} : { unresolved: true, ...(vendorHint ? { vendorHint } : {}) }) },
  };
}

/** Every pom.properties (a shaded jar carries those of what it embeds), else the manifest, else the name. */
function identify(walk: Walk, path: string, sha1: string, entries: ZipEntryBody[]): void {
  const poms = entries.filter((e) => POM_PROPERTIES.test(e.name)).flatMap((e) => pomCoordinates(e.body.toString('utf8')) ?? []);
  if (poms.length > 0) {
    for (const coords of poms) walk.packages.push(javaPackage(walk, path, sha1, coords, 'pom.properties'));
    return;
  }
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  const manifestEntry = entries.find((e) => e.name === MANIFEST);
  const manifest = manifestEntry && parseManifest(manifestEntry.body.toString('utf8'));
  const hint = manifest && manifestVendorHint(manifest);
  const fromManifest = manifest && manifestCoordinates(manifest, fileName);
  if (fromManifest) {
    walk.packages.push(javaPackage(walk, path, sha1, fromManifest, 'manifest', hint));
    return;
  }
  const fromName = fileNameCoordinates(fileName);
  if (fromName.version) walk.packages.push(javaPackage(walk, path, sha1, { artifactId: fromName.artifactId, version: fromName.version }, 'filename', hint));
}

/** Reads one archive and, depth first, the archives inside it; `path` names nested ones as `outer.war!/WEB-INF/lib/x.jar`. */
async function walkArchive(walk: Walk, body: Buffer, path: string, depth: number): Promise<void> {
  const warn = (message: string): void => void walk.warnings.push({ path: walk.file.path, message });
  // A zip quine (an archive that contains itself) ends here too, after maxDepth cheap levels.
  if (depth > walk.limits.maxDepth) return warn(`${path}: archives nested more than ${walk.limits.maxDepth} deep (a recursive archive?); not read`);
  const sha1 = createHash('sha1').update(body).digest('hex');
  let entries: ZipEntryBody[];
  // This archive draws on the scan's budget, but may hold at most maxHeld of it at once.
  const held = Math.min(walk.budget.bytes, walk.limits.maxHeld);
  const local: ZipBudget = { entries: walk.budget.entries, bytes: held };
  try {
    entries = await readZipEntries(body, wanted, local);
  } catch (err) {
    if (err instanceof ArchiveLimitError) return warn(`${path}: archive limit reached (${err.message}); possible zip bomb, rest of the archive skipped`);
    return warn(`${path}: unreadable archive (${errorMessage(err)})`);
  } finally {
    walk.budget.entries = local.entries;
    walk.budget.bytes -= held - local.bytes;
  }
  identify(walk, path, sha1, entries);
  for (const nested of entries.filter((e) => ARCHIVE.test(e.name))) {
    await walkArchive(walk, nested.body, `${path}!/${nested.name}`, depth + 1);
  }
}

/** The Java packages of one image file, and the warnings its archives gave; `budget` is the scan's, shared by its files. */
export async function readJavaArchive(file: CapturedFile, limits: JavaLimits = DEFAULT_JAVA_LIMITS, budget: ZipBudget = javaBudget(limits)): Promise<AnalyzerResult> {
  const walk: Walk = { file, budget, limits, packages: [], warnings: [] };
  await walkArchive(walk, file.body, file.path, 0);
  return { packages: walk.packages, warnings: walk.warnings };
}

function isJavaArchive(info: FileInfo): boolean {
  return info.type === 'file' && ARCHIVE.test(info.path);
}

async function analyze(ctx: AnalyzerContext): Promise<AnalyzerResult> {
  const packages: Package[] = [];
  const warnings: ScanWarning[] = [];
  const osIdentities = new OsIdentityRecorder(ctx);
  const budget = javaBudget();
  for (const file of ctx.fs.captured(isJavaArchive)) {
    const [result] = await perFileAsync(file, warnings, async () => [await readJavaArchive(file, DEFAULT_JAVA_LIMITS, budget)]);
    if (!result) continue;
    packages.push(...osIdentities.keep(file.path, result.packages));
    warnings.push(...result.warnings);
  }
  osIdentities.flush();
  return { packages, warnings };
}

export const javaArchiveAnalyzer: Analyzer = {
  name: 'java-archive',
  wants: isJavaArchive,
  // Spring Boot and WAR files carry their dependencies; a few hundred MiB is not unusual.
  maxFileSize: 512 * 1024 * 1024,
  analyze,
};
