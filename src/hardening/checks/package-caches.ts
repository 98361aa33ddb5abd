// Package-manager caches and indexes left in the image: size, and stale metadata an attacker can use.
import type { FileInfo, IndexedFile } from '../../image/files.js';
import type { MergedFilesystem } from '../../image/merged-fs.js';
import type { Check, CheckFinding } from '../check.js';
import type { LayerRef } from '../../model/layer.js';

const CACHES: [string, string][] = [
  ['var/lib/apt/lists', 'rm -rf /var/lib/apt/lists/* in the same RUN as apt-get install'],
  ['var/cache/apt', 'apt-get clean (or rm -rf /var/cache/apt/*) in the same RUN'],
  ['var/cache/apk', 'apk add --no-cache'],
  ['var/cache/yum', 'yum clean all && rm -rf /var/cache/yum in the same RUN'],
  ['var/cache/dnf', 'dnf clean all in the same RUN'],
  ['var/cache/zypp', 'zypper clean -a in the same RUN'],
  ['root/.cache/pip', 'pip install --no-cache-dir'],
  ['root/.npm/_cacache', 'npm cache clean --force in the same RUN, or a cache mount'],
];

/** `dir/` of each cache. */
const PREFIXES = CACHES.map(([dir]) => [`${dir}/`, dir] as const);

/** Bookkeeping files that stay in an emptied cache. */
const NOT_CACHE = new Set(['lock']);

/** The cache directory a file fills, if any. */
function cacheOf(file: FileInfo): string | undefined {
  if (file.type !== 'file' || file.size === 0) return undefined;
  const root = PREFIXES.find(([prefix]) => file.path.startsWith(prefix))?.[1];
  return root && !NOT_CACHE.has(file.path.slice(file.path.lastIndexOf('/') + 1)) ? root : undefined;
}

/** The files in package managers' caches: only those directories are walked. */
export function packageCacheFiles(fs: MergedFilesystem): IndexedFile[] {
  return CACHES.flatMap(([dir]) => [...fs.entries(dir)].filter((file) => cacheOf(file) !== undefined));
}

export const packageCachesCheck: Check = {
  id: 'PLM-PACKAGE-CACHE',
  group: 'config',
  run(ctx) {
    const found = new Map<string, { files: number; bytes: number; layer: LayerRef }>();
    for (const file of ctx.files.packageCaches) {
      const root = cacheOf(file);
      if (!root) continue;
      const entry = found.get(root) ?? { files: 0, bytes: 0, layer: file.layer };
      entry.files++;
      entry.bytes += file.size;
      if (file.layer.index > entry.layer.index) entry.layer = file.layer;
      found.set(root, entry);
    }
    const out: CheckFinding[] = [];
    for (const [root, fix] of CACHES) {
      const entry = found.get(root);
      if (!entry) continue;
      out.push({
        id: this.id,
        kind: 'config',
        severity: 'LOW',
        title: `Package-manager cache left in /${root}`,
        path: root,
        layer: entry.layer,
        evidence: `${entry.files} files, ${entry.bytes} bytes`,
        remediation: `Clean it in the layer that fills it: ${fix}.`,
      });
    }
    return out;
  },
};
