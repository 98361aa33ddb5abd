// The layer cache as the image-analysing commands open it: --cache-dir (or PLIMSOLL_CACHE_DIR, or the
// default), none with --no-cache. A path that cannot be a directory is a usage error; any other
// trouble with the cache is a warning, and the scan goes on without it.
import { statSync } from 'node:fs';
import { LayerCache, defaultCacheDir } from '../cache/layer-cache.js';
import { PlimsollError } from '../errors.js';
import type { CacheCliOptions } from './image-options.js';

/** Refuses a cache directory that names a file, or lies under one. */
export function cacheDirectory(opts: Pick<CacheCliOptions, 'cacheDir'>): string {
  const dir = opts.cacheDir ?? defaultCacheDir();
  if (dir === '') throw new PlimsollError('--cache-dir: empty path');
  try {
    if (!statSync(dir).isDirectory()) throw new PlimsollError(`--cache-dir ${dir}: not a directory`);
  } catch (err) {
    if (err instanceof PlimsollError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new PlimsollError(`--cache-dir ${dir}: a parent of it is not a directory`);
    // Absent (made on the first write), or not reachable: the cache then warns and the scan goes on.
  }
  return dir;
}

/** The cache a scan reads and fills, warnings on stderr; undefined with --no-cache. */
export function openCliCache(opts: CacheCliOptions): LayerCache | undefined {
  if (opts.cache === false) return undefined;
  return LayerCache.open({ dir: cacheDirectory(opts), onWarning: (message) => process.stderr.write(`plimsoll: warning: ${message}\n`) });
}
