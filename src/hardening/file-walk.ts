// The files hardening checks pick out by their metadata, found once for every check: setuid and
// world-writable files from the index's columns (only those become objects with paths), package
// caches by walking their directories alone. Each check walking the whole view on its own (building
// every path, sorting every directory) made that the largest part of the work after the last layer.
import type { FileType, IndexedFile } from '../image/files.js';
import type { MergedFilesystem } from '../image/merged-fs.js';
import { isSetgid, isSetuid } from './attack-surface.js';
import { packageCacheFiles } from './checks/package-caches.js';
import { isWorldWritableFlagged } from './checks/world-writable.js';

/** What the checks look at. */
export interface WalkedFiles {
  /** Regular files and hard links with the setuid or setgid bit, in walk order (parents before children, names in byte order). */
  privileged: IndexedFile[];
  /** What the world-writable check reports, in walk order. */
  worldWritable: IndexedFile[];
  /** Files in a package manager's cache, cache by cache. */
  packageCaches: IndexedFile[];
}

function isPrivileged(type: FileType, mode: number): boolean {
  return (type === 'file' || type === 'hardlink') && (isSetuid(mode) || isSetgid(mode));
}

export function walkFiles(fs: MergedFilesystem): WalkedFiles {
  const walked: WalkedFiles = { privileged: [], worldWritable: [], packageCaches: packageCacheFiles(fs) };
  for (const file of fs.withMode((type, mode) => isPrivileged(type, mode) || isWorldWritableFlagged(type, mode))) {
    if (isPrivileged(file.type, file.mode)) walked.privileged.push(file);
    if (isWorldWritableFlagged(file.type, file.mode)) walked.worldWritable.push(file);
  }
  return walked;
}
