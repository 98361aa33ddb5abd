import type { FileInfo, FileRequest, ImageFilesystem } from '../image/files.js';
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

/** What the OS detection found (`artifact.os` in the report). */
export interface AnalyzerContext {
  fs: ImageFilesystem;
  os?: OsInfo;
  /**
   * Paths owned by OS packages, each with the owning package's id (filled by the OS analyzers;
   * language analyzers skip these files and record their identity on the owner).
   */
  ownedFiles: Map<string, string>;
  /** Packages found by the analyzers that ran before (OS first); later analyzers may annotate them. */
  packages?: Package[];
  artifactIndex?: ArtifactIndex;
}

export interface AnalyzerResult {
  packages: Package[];
  warnings: ScanWarning[];
}

/** One package format: which files it needs, and how to read packages from them. */
export interface Analyzer {
  name: string;
  wants(info: FileInfo): boolean;
  /** Larger wanted files are skipped with a warning (default 64 MiB). */
  maxFileSize?: number;
  /** See FileRequest.reduce. */
  reduce?: FileRequest['reduce'];
  analyze(ctx: AnalyzerContext): Promise<AnalyzerResult>;
}
