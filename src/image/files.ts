/** Types of the file index: what one tar entry or one merged file looks like. */
import type { LayerRef } from '../model/layer.js';

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** Metadata of one entry, as a predicate sees it before any body is read. */
export interface FileInfo {
  /** Relative to the image root, no leading slash, normalised (`usr/bin/env`). */
  path: string;
  type: FileType;
  /** Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  mode: number;
  size: number;
  /** Symlink target as stored, or the image path a hard link points at. */
  linkTarget?: string;
  uid?: number;
  gid?: number;
}

export interface IndexedFile extends FileInfo {
  layer: LayerRef;
}

/** A file whose body was captured because some request wanted it. */
export interface CapturedFile extends IndexedFile {
  body: Buffer;
}

/**
 * What an analyzer asks of the file index: a cheap predicate on metadata.
 * Only files it accepts have their bodies read (up to `maxFileSize`).
 */
export interface FileRequest {
  name: string;
  wants(info: FileInfo): boolean;
  /** Larger wanted files are skipped with a warning (default 64 MiB). */
  maxFileSize?: number;
  /**
   * Shrinks a wanted body to what is needed, as soon as it is read (a Go binary becomes its build
   * information), so large files are not all held until analysis; undefined drops the body.
   * Applied only when every request wanting the file names this same function.
   */
  reduce?: (info: FileInfo, body: Buffer) => Buffer | undefined;
}

/** The merged filesystem view after whiteouts, as a container would see it. */
export interface ImageFilesystem {
  /** Metadata of a path (like lstat: a symlink is not followed). */
  get(path: string): IndexedFile | undefined;
  /** Follows symlinks inside the image root (never outside) to the final entry. */
  resolve(path: string): IndexedFile | undefined;
  /** The path {@link resolve} leads to, without the file's metadata (asked for every path a package database lists). */
  realPath(path: string): string | undefined;
  /** Every entry of the merged view, parents before children. */
  entries(): IterableIterator<IndexedFile>;
  /** Body of a captured file (following symlinks and hard links), if some request wanted it. */
  read(path: string): CapturedFile | undefined;
  /** Captured files whose path matches the predicate. */
  captured(filter?: (file: CapturedFile) => boolean): CapturedFile[];
}
