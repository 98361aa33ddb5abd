// One walk over the merged filesystem for every hardening check that looks at file metadata. A walk
// builds every path and sorts every directory (and, once the index has spilled, reads all of SQLite):
// four checks each walking on their own made that the largest part of the work after the last layer.
import type { ImageFilesystem, IndexedFile } from '../image/files.js';
import { isSetgid, isSetuid } from './attack-surface.js';
import { isPackageCacheFile } from './checks/package-caches.js';
import { isWorldWritableFlagged } from './checks/world-writable.js';

/** What one walk picks out, each list in walk order (parents before children, names in byte order). */
export interface WalkedFiles {
  /** Regular files and hard links with the setuid or setgid bit. */
  privileged: IndexedFile[];
  /** What the world-writable check reports. */
  worldWritable: IndexedFile[];
  /** Files in a package manager's cache. */
  packageCaches: IndexedFile[];
}

function isPrivileged(file: IndexedFile): boolean {
  return (file.type === 'file' || file.type === 'hardlink') && (isSetuid(file.mode) || isSetgid(file.mode));
}

export function walkFiles(fs: ImageFilesystem): WalkedFiles {
  const walked: WalkedFiles = { privileged: [], worldWritable: [], packageCaches: [] };
  for (const file of fs.entries()) {
    if (isPrivileged(file)) walked.privileged.push(file);
    if (isWorldWritableFlagged(file)) walked.worldWritable.push(file);
    if (isPackageCacheFile(file)) walked.packageCaches.push(file);
  }
  return walked;
}
