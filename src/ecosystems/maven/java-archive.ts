// Java archives (.jar .war .ear .par .jpi .hpi), nested ones at any depth (Spring Boot BOOT-INF/lib,
// WAR WEB-INF/lib), each identified by the first of these that names it, recorded as
// `metadata.identifiedBy` with a `confidence`: its pom.properties; its SHA-1 in the database's
// index (a scan's, never an inventory alone); its path in a Maven repository layout inside the
// image (/usr/share/maven-repo, ~/.m2/repository, or a symlink from there); its pom.xml; a Jenkins
// plugin's manifest; the manifest; the file name. A Maven purl needs the groupId: a jar whose group
// stays unknown is `metadata.unresolved`, named `pkg:generic/<name>@<version>`, and matched through
// NVD CPE instead of Maven's advisories.
// Archives are read in memory under one budget per scan (a budget per file would let many small zip
// bombs multiply it), and one archive's wanted entries are held only up to a cap, so a zip bomb, an
// archive that contains itself or a huge MANIFEST.MF costs a warning, not the scan.
import { createHash } from 'node:crypto';
import type { CapturedFile, FileInfo } from '../../image/files.js';
import { errorMessage } from '../../errors.js';
import { repositoryPathArtifact, type Confidence, type MavenCoordinates } from '../../model/maven.js';
import { packageId } from '../../model/inventory.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { pomXmlCoordinates } from '../../model/pom.js';
import { genericPurl } from '../../model/purl.js';
import { mavenPurl } from './purl.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult, ArtifactIndex, FinishContext, Unidentified } from '../../inventory/analyzer.js';
import type { LayerRef } from '../../model/layer.js';
import { ArchiveLimitError, readZipEntries, type ZipBudget, type ZipEntryBody } from './zip.js';
import {
  fileNameCoordinates,
  jenkinsCoordinates,
  manifestCoordinates,
  manifestVendorHint,
  parseManifest,
  pomCoordinates,
  sbtFileNameCoordinates,
} from './java-metadata.js';
import { perFileAsync } from '../common/per-file.js';

const ARCHIVE = /\.(?:jar|war|ear|par|jpi|hpi)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const POM_XML = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.xml$/;
const MANIFEST = 'META-INF/MANIFEST.MF';
const JENKINS_PLUGIN = /\.(?:hpi|jpi)$/i;
/** Maven repository layouts an image may hold: Debian's system repository and a user's local one. */
const REPOSITORY = /^usr\/share\/maven-repo\/(.+)$|(?:^|\/)\.m2\/repository\/(.+)$/;

/** How a jar was identified, in the order they are tried (`metadata.identifiedBy`). */
export type IdentifiedBy = 'pom.properties' | 'sha1' | 'maven-repo-path' | 'pom.xml' | 'jenkins-manifest' | 'manifest' | 'filename';

interface Identification {
  coords: MavenCoordinates;
  identifiedBy: IdentifiedBy;
  confidence: Confidence;
  /** Other artifacts the same SHA-1 is published as (one file under several groups). */
  alsoKnownAs?: string;
}

/** What identifies a top-level image file besides its bytes. */
export interface JavaContext {
  index?: ArtifactIndex;
  /** The file's own path and the paths of symlinks to it, for the Maven repository layouts. */
  paths?: string[];
}

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
  context: JavaContext;
  packages: Package[];
  warnings: ScanWarning[];
  /** Archives nothing named, for the database's index to name (when the context has no index). */
  unidentified: Unidentified[];
}

function wanted(name: string): boolean {
  return name === MANIFEST || POM_PROPERTIES.test(name) || POM_XML.test(name) || ARCHIVE.test(name);
}

function javaPackage(layer: LayerRef, path: string, sha1: string, found: Identification, vendorHint?: string): Package {
  const { groupId, artifactId, version } = found.coords;
  const name = groupId ? `${groupId}:${artifactId}` : artifactId;
  return {
    id: packageId('maven', name, version, path),
    name,
    version,
    type: 'maven',
    purl: groupId ? mavenPurl(groupId, artifactId, version) : genericPurl(artifactId, version),
    locations: [{ path, layer }],
    metadata: {
      sha1,
      identifiedBy: found.identifiedBy,
      // Without a group the name is the file's, and only CPE matching can use it.
      confidence: groupId ? found.confidence : 'low',
      ...(found.alsoKnownAs ? { alsoKnownAs: found.alsoKnownAs } : {}),
      ...(groupId ? {} : { unresolved: true, ...(vendorHint ? { vendorHint } : {}) }),
    },
  };
}

/** The index's artifacts for this SHA-1: the one whose artifactId the file name carries first, the rest named as aliases. */
function bySha1(index: ArtifactIndex | undefined, sha1: string, fileName: string): Identification | undefined {
  const found = index?.mavenBySha1(sha1) ?? [];
  if (found.length === 0) return undefined;
  const named = fileNameCoordinates(fileName).artifactId;
  const [best, ...others] = [...found].sort((a, b) => Number(b.artifactId === named) - Number(a.artifactId === named));
  if (!best) return undefined;
  return {
    coords: best,
    identifiedBy: 'sha1',
    confidence: others.length === 0 ? 'high' : 'medium',
    ...(others.length > 0 ? { alsoKnownAs: others.map((o) => `${o.groupId}:${o.artifactId}:${o.version}`).join(' ') } : {}),
  };
}

/** Coordinates from a Maven repository path of the file or of a symlink to it. */
function byRepositoryPath(paths: string[] | undefined): Identification | undefined {
  for (const path of paths ?? []) {
    const m = REPOSITORY.exec(path);
    const coords = repositoryPathArtifact(m?.[1] ?? m?.[2] ?? '');
    if (coords) return { coords, identifiedBy: 'maven-repo-path', confidence: 'high' };
  }
  return undefined;
}

/** pom.xml under META-INF/maven/<g>/<a>/: its own or its parent's groupId, else the directory's. */
function byPomXml(entries: ZipEntryBody[]): Identification | undefined {
  for (const entry of entries) {
    const dirs = POM_XML.exec(entry.name);
    const pom = dirs && pomXmlCoordinates(entry.body.toString('utf8'));
    if (!dirs || !pom?.version) continue;
    return { coords: { groupId: pom.groupId ?? dirs[1] ?? '', artifactId: pom.artifactId, version: pom.version }, identifiedBy: 'pom.xml', confidence: 'high' };
  }
  return undefined;
}

/** Every pom.properties (a shaded jar carries those of what it embeds); else the first of the other ways that names the jar. */
function identify(walk: Walk, path: string, sha1: string, entries: ZipEntryBody[], paths?: string[]): void {
  const poms = entries.filter((e) => POM_PROPERTIES.test(e.name)).flatMap((e) => pomCoordinates(e.body.toString('utf8')) ?? []);
  if (poms.length > 0) {
    for (const coords of poms) walk.packages.push(javaPackage(walk.file.layer, path, sha1, { coords, identifiedBy: 'pom.properties', confidence: 'high' }));
    return;
  }
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  const manifestEntry = entries.find((e) => e.name === MANIFEST);
  const manifest = manifestEntry && parseManifest(manifestEntry.body.toString('utf8'));
  const jenkins = manifest && JENKINS_PLUGIN.test(fileName) ? jenkinsCoordinates(manifest) : undefined;
  const fromManifest = manifest && manifestCoordinates(manifest, fileName);
  const fromName = fileNameCoordinates(fileName);
  const sbt = sbtFileNameCoordinates(fileName);
  const found =
    bySha1(walk.context.index, sha1, fileName) ??
    byRepositoryPath(paths) ??
    byPomXml(entries) ??
    (jenkins ? { coords: jenkins, identifiedBy: 'jenkins-manifest', confidence: 'high' } : undefined) ??
    (fromManifest ? { coords: fromManifest, identifiedBy: 'manifest', confidence: 'medium' } : undefined) ??
    (sbt ? { coords: sbt, identifiedBy: 'filename', confidence: 'low' } : undefined) ??
    (fromName.version ? { coords: { artifactId: fromName.artifactId, version: fromName.version }, identifiedBy: 'filename', confidence: 'low' } : undefined);
  if (found) walk.packages.push(javaPackage(walk.file.layer, path, sha1, found, manifest && manifestVendorHint(manifest)));
  else if (!walk.context.index) walk.unidentified.push({ path, sha1 });
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
  identify(walk, path, sha1, entries, depth === 0 ? walk.context.paths : undefined);
  for (const nested of entries.filter((e) => ARCHIVE.test(e.name))) {
    await walkArchive(walk, nested.body, `${path}!/${nested.name}`, depth + 1);
  }
}

/** The Java packages of one image file, and the warnings its archives gave; `budget` is the scan's, shared by its files. */
export async function readJavaArchive(
  file: CapturedFile,
  limits: JavaLimits = DEFAULT_JAVA_LIMITS,
  context: JavaContext = {},
  budget: ZipBudget = javaBudget(limits),
): Promise<AnalyzerResult> {
  const walk: Walk = { file, budget, limits, context, packages: [], warnings: [], unidentified: [] };
  await walkArchive(walk, file.body, file.path, 0);
  return { packages: walk.packages, warnings: walk.warnings, unidentified: walk.unidentified };
}

function isJavaArchive(info: FileInfo): boolean {
  return info.type === 'file' && ARCHIVE.test(info.path);
}

/** Image files under a Maven repository layout, by the path of the file they are or link to. */
function repositoryPaths(ctx: AnalyzerContext): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const entry of ctx.fs.entries()) {
    if ((entry.type !== 'file' && entry.type !== 'symlink') || !ARCHIVE.test(entry.path) || !REPOSITORY.test(entry.path)) continue;
    const target = entry.type === 'file' ? entry.path : ctx.fs.realPath(entry.path);
    if (target) byTarget.set(target, [...(byTarget.get(target) ?? []), entry.path]);
  }
  return byTarget;
}

async function analyze(ctx: AnalyzerContext): Promise<AnalyzerResult> {
  const packages: Package[] = [];
  const warnings: ScanWarning[] = [];
  const archives = ctx.fs.captured(isJavaArchive);
  // Walks the whole view: only for a layer that wrote archives.
  const inRepository = archives.length > 0 ? repositoryPaths(ctx) : new Map<string, string[]>();
  const budget = javaBudget();
  const unidentified: Unidentified[] = [];
  for (const file of archives) {
    const paths = inRepository.get(file.path);
    // No SHA-1 index here: a layer's result must not depend on the database (finish consults it).
    const context: JavaContext = paths ? { paths } : {};
    const [result] = await perFileAsync(file, warnings, async () => [await readJavaArchive(file, DEFAULT_JAVA_LIMITS, context, budget)]);
    if (!result) continue;
    packages.push(...result.packages);
    warnings.push(...result.warnings);
    unidentified.push(...(result.unidentified ?? []));
  }
  return { packages, warnings, identityFiles: archives.map((f) => f.path), unidentified };
}

/** The database's SHA-1 index, consulted after the layers are applied: it names a jar before anything but its pom.properties. */
function identifyByHash(ctx: FinishContext): { packages: Package[]; warnings: ScanWarning[] } {
  const index = ctx.artifactIndex;
  if (!index) return { packages: ctx.packages, warnings: [] };
  const fileName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
  const packages = ctx.packages.map((p) => {
    const sha1 = p.metadata?.sha1;
    const location = p.locations[0];
    if (p.type !== 'maven' || p.metadata?.identifiedBy === 'pom.properties' || typeof sha1 !== 'string' || !location) return p;
    const found = bySha1(index, sha1, fileName(location.path));
    return found ? javaPackage(location.layer, location.path, sha1, found) : p;
  });
  for (const { path, sha1, layer } of ctx.unidentified) {
    const found = bySha1(index, sha1, fileName(path));
    if (found) packages.push(javaPackage(layer, path, sha1, found));
  }
  return { packages, warnings: [] };
}

export const javaArchiveAnalyzer: Analyzer = {
  name: 'java-archive',
  version: 1,
  wants: isJavaArchive,
  // Spring Boot and WAR files carry their dependencies; a few hundred MiB is not unusual.
  maxFileSize: 512 * 1024 * 1024,
  analyze,
  finish: identifyByHash,
};
