import type { FileInfo, FileRequest, ImageFilesystem } from '../image/files.js';
import type { FileFact, ImageFacts } from './facts.js';
import type { LayerRef } from '../model/layer.js';
import type { MavenArtifact } from '../model/maven.js';
import type { OsInfo } from '../model/os.js';
import type { Package } from '../model/package.js';
import type { ScanWarning } from '../model/warning.js';

/**
 * What a built vulnerability database knows of artifacts by their hash (its SHA-1 index). A scan
 * passes its database; an inventory alone (`plimsoll sbom`) has none and identifies without it.
 */
export interface ArtifactIndex {
  mavenBySha1(sha1: string): MavenArtifact[];
}

/**
 * One layer as an analyzer sees it. `read` and `captured` give only the files this layer wrote (its
 * source files); `get`, `resolve` and `entries` see the image as it stands after this layer (lower
 * layers included), so a database reached through a lower layer's symlink is still found.
 */
export interface LayerFilesystem extends ImageFilesystem {
  /**
   * A fact of a file read beside a source file (a package's copyright, an app's package.json), as the
   * image stands after this layer: a lower layer's file may come from its cache record, never its body.
   * The fact must be among the analyzer's `facts`.
   */
  fact<T>(fact: FileFact<T>, path: string): T | undefined;
}

export interface AnalyzerContext {
  fs: LayerFilesystem;
  /** The OS as the image stands after this layer (purl qualifiers). */
  os?: OsInfo;
  /** Packages the analyzers before this one found in this layer. */
  packages?: Package[];
}

/**
 * What one analyzer found in one layer: plain JSON data (it is cached by layer), each package
 * carrying the file it was read from in `locations[0].path` (`outer.jar!/inner.jar` for nested ones).
 */
export interface AnalyzerResult {
  packages: Package[];
  warnings: ScanWarning[];
  /**
   * For package databases: the paths each package installed, by the package's id, every path under
   * one owner (see {@link byOwner}). Grouped so a cached result is a few lists, not thousands of keys
   * each repeating a package id: parsing debian-app's records took 34-43 ms as path → id maps, 6-7 ms as lists.
   */
  ownedFiles?: Record<string, string[]>;
  /**
   * Source files whose packages, when an OS package owns the file, become that package's
   * `languagePurl` (installed metadata, binaries); other owned files (lock files) are only dropped.
   */
  identityFiles?: string[];
  /**
   * Archives nothing inside named, by SHA-1: `finish` asks the database's index, which stays out of a
   * layer's result so a cached result outlives a database update.
   */
  unidentified?: Unidentified[];
}

export interface Unidentified {
  path: string;
  sha1: string;
}

/** What an analyzer's pass over the merged image sees: its packages that survived the applier. */
export interface FinishContext {
  fs: ImageFilesystem;
  os?: OsInfo;
  packages: Package[];
  /** Facts of the merged view's files (the analyzer's `finishFacts`). */
  facts: ImageFacts;
  /** The surviving layers' {@link AnalyzerResult.unidentified}, each with the layer that wrote it. */
  unidentified: (Unidentified & { layer: LayerRef })[];
  artifactIndex?: ArtifactIndex;
}

/** One package format: which files it needs, and how to read packages from one layer of them. */
export interface Analyzer {
  name: string;
  /** Bumped whenever its output for the same layer changes (cached results are keyed by it). */
  version: number;
  wants(info: FileInfo): boolean;
  /** Larger wanted files are skipped with a warning (default 64 MiB). */
  maxFileSize?: number;
  /** See FileRequest.reduce. */
  reduce?: FileRequest['reduce'];
  /** Its packages own files: language packages read from those files are dropped by the applier. */
  ownsFiles?: true;
  analyze(ctx: AnalyzerContext): Promise<AnalyzerResult>;
  /** Facts its analysis reads beside a layer's own files (kept in every layer's cache record). */
  facts?: readonly FileFact[];
  /** Facts its `finish` reads from the merged view. */
  finishFacts?: readonly FileFact[];
  /** What only the merged image can tell (dev-only marks, which of two databases holds, a missing database). */
  finish?(ctx: FinishContext): { packages: Package[]; warnings: ScanWarning[] };
}

/** Files as package databases record them, each path with its owner's id (the last writer wins), grouped by owner for {@link AnalyzerResult.ownedFiles}. */
export function byOwner(owners: Record<string, string>): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  // for-in, not Object.entries: a .list of a million paths made a million [path, owner] pairs (3.4 s against 0.7 s).
  for (const path in owners) (grouped[owners[path] as string] ??= []).push(path);
  return grouped;
}
