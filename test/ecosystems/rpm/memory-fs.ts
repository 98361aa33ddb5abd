// A tiny in-memory ImageFilesystem for analyzer tests: regular files with captured bodies,
// and symlinks, followed as MergedFilesystem does (`get` like lstat, `resolve` and `read` to the end).
import type { CapturedFile, ImageFilesystem, IndexedFile } from '../../../src/image/files.js';
import type { LayerRef } from '../../../src/model/layer.js';

export interface MemoryEntry {
  path: string;
  body?: Buffer;
  /** Makes the entry a symlink (target relative to its directory, or absolute inside the image). */
  linkTarget?: string;
  /** Makes the entry a directory. */
  dir?: boolean;
  layer?: LayerRef;
}

export const LAYER: LayerRef = { index: 0, digest: `sha256:${'1'.repeat(64)}` };

function isCaptured(file: IndexedFile): file is CapturedFile {
  return 'body' in file;
}

export function memoryFs(entries: MemoryEntry[]): ImageFilesystem {
  const files = new Map<string, IndexedFile | CapturedFile>();
  for (const e of entries) {
    const layer = e.layer ?? LAYER;
    if (e.dir) {
      files.set(e.path, { path: e.path, type: 'dir', mode: 0o755, size: 0, layer });
    } else if (e.linkTarget !== undefined) {
      files.set(e.path, { path: e.path, type: 'symlink', mode: 0o777, size: 0, linkTarget: e.linkTarget, layer });
    } else {
      files.set(e.path, { path: e.path, type: 'file', mode: 0o644, size: e.body?.length ?? 0, layer, body: e.body ?? Buffer.alloc(0) });
    }
  }

  /** Resolves symlinks in every component (but the last unless `followLast`), at most 40 hops, like the kernel. */
  function resolvePath(path: string, followLast: boolean): string | undefined {
    let parts = path.split('/').filter((p) => p !== '');
    for (let hops = 0, i = 0; i < parts.length;) {
      const entry = files.get(parts.slice(0, i + 1).join('/'));
      if (entry?.type !== 'symlink' || entry.linkTarget === undefined || (i === parts.length - 1 && !followLast)) {
        i++;
        continue;
      }
      if (++hops > 40) return undefined;
      const target = entry.linkTarget.split('/');
      const base = entry.linkTarget.startsWith('/') ? [] : parts.slice(0, i);
      const joined: string[] = [];
      for (const part of [...base, ...target, ...parts.slice(i + 1)]) {
        if (part === '..') joined.pop();
        else if (part !== '' && part !== '.') joined.push(part);
      }
      parts = joined;
      i = 0;
    }
    return parts.join('/');
  }

  const lookup = (path: string, followLast: boolean): IndexedFile | undefined => {
    const real = resolvePath(path, followLast);
    return real === undefined ? undefined : files.get(real);
  };
  const resolve = (path: string) => lookup(path, true);
  return {
    get: (path) => lookup(path, false),
    resolve,
    realPath: (path) => resolve(path)?.path,
    entries: () => files.values(),
    read: (path) => {
      const file = resolve(path);
      return file && isCaptured(file) ? file : undefined;
    },
    captured: (filter) => [...files.values()].filter((f): f is CapturedFile => isCaptured(f) && (!filter || filter(f))),
  };
}
