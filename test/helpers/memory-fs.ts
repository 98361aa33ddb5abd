// Hand-written filesystems for fixtures no testbed image has, merged by the project's own MergedFilesystem.
import type { LayerEntry } from '../../src/image/layer-reader.js';
import { MergedFilesystem } from '../../src/image/merged-fs.js';
import type { LayerRef } from '../../src/model/layer.js';

export const FIXTURE_LAYER: LayerRef = { index: 0, digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000' };

export type FixtureFiles = Record<string, string | Buffer | { symlink: string } | { dir: true }>;

/** One layer holding `files` (text or byte bodies, symlinks, empty directories), every body captured. */
export function fsFromFiles(files: FixtureFiles): MergedFilesystem {
  const entries: LayerEntry[] = Object.entries(files).map(([path, content]) => {
    if (typeof content === 'string' || Buffer.isBuffer(content)) {
      const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
      return { path, type: 'file', mode: 0o644, size: body.length, body };
    }
    if ('symlink' in content) return { path, type: 'symlink', mode: 0o777, size: 0, linkTarget: content.symlink };
    return { path, type: 'dir', mode: 0o755, size: 0 };
  });
  const fs = new MergedFilesystem(FIXTURE_LAYER);
  fs.apply({ ref: FIXTURE_LAYER, entries, whiteouts: [], opaqueDirs: [], compression: 'none', tarBytes: 0, warnings: [] });
  return fs;
}
