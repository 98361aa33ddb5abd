// A tiny in-memory ImageFilesystem for analyzer tests: regular files with captured bodies,
// and symlinks that `read` follows. Enough for what the OS analyzers call.
import type { CapturedFile, ImageFilesystem, IndexedFile, LayerRef } from '../../src/image/files.js';

export interface MemoryEntry {
  path: string;
  body?: Buffer;
  /** Makes the entry a symlink (target relative to its directory, or absolute inside the image). */
  linkTarget?: string;
  layer?: LayerRef;
}

export const LAYER: LayerRef = { index: 0, digest: `sha256:${'1'.repeat(64)}` };

export function memoryFs(entries: MemoryEntry[]): ImageFilesystem {
  const files = new Map<string, IndexedFile | CapturedFile>();
  for (const e of entries) {
    const layer = e.layer ?? LAYER;
    if (e.linkTarget !== undefined) {
      files.set(e.path, { path: e.path, type: 'symlink', mode: 0o777, size: 0, linkTarget: e.linkTarget, layer });
    } else {
      files.set(e.path, { path: e.path, type: 'file', mode: 0o644, size: e.body?.length ?? 0, layer, body: e.body ?? Buffer.alloc(0) });
    }
  }

  /** Resolves symlinks in every component, at most 40 hops, like the kernel. */
  function resolvePath(path: string): string | undefined {
    let parts = path.split('/').filter((p) => p !== '');
    for (let hops = 0, i = 0; i < parts.length; ) {
      const entry = files.get(parts.slice(0, i + 1).join('/'));
      if (entry?.type !== 'symlink' || entry.linkTarget === undefined) {
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

  const resolve = (path: string): IndexedFile | undefined => {
    const real = resolvePath(path);
    return real === undefined ? undefined : files.get(real);
  };
  return {
    get: (path) => files.get(path),
    resolve,
    entries: () => files.values(),
    read: (path) => {
      const file = resolve(path);
      return file && 'body' in file ? file : undefined;
    },
    captured: (filter) => [...files.values()].filter((f): f is CapturedFile => 'body' in f && (!filter || filter(f))),
  };
}
