import { lstat, opendir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import type { FileRequest, FileType } from '../files.js';
import type { BodyStore } from '../body-store.js';
import { EntryLog } from '../entry-log.js';
import { keepBody, wanted, type LayerContent, type LayerEntry } from '../layer-reader.js';
import type { ResolvedImage } from '../types.js';
import type { Stats } from 'node:fs';
import type { LayerRef } from '../../model/layer.js';

export async function openRootfs(path: string, ref: string): Promise<ResolvedImage> {
  try {
    if (!(await stat(path)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new InputError(`${ref}: ${path} is not a directory`);
  }
  return { ref, transport: 'dir', config: {}, layers: [], rootfs: path, close: async () => undefined };
}

function fileType(st: Stats): FileType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return undefined;
}

/**
 * Reads an unpacked root filesystem as if it were a single layer. Symlinks are
 * read, never followed, so nothing outside the directory is visited.
 */
export async function readRootfs(root: string, ref: LayerRef, requests: readonly FileRequest[], bodies?: BodyStore): Promise<LayerContent> {
  const entries = new EntryLog(bodies);
  const content: LayerContent = { ref, entries, whiteouts: [], opaqueDirs: [], compression: 'none', tarBytes: 0, warnings: [] };
  const walk = async (rel: string): Promise<void> => {
    const dir = await opendir(join(root, rel));
    const names: string[] = [];
    for await (const dirent of dir) names.push(dirent.name);
    for (const name of names.sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const abs = join(root, path);
      let st: Stats;
      try {
        st = await lstat(abs);
      } catch (err) {
        content.warnings.push({ path, message: `unreadable: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, source: 'image' });
        continue;
      }
      const type = fileType(st);
      if (!type) continue;
      const info: LayerEntry = { path, type, mode: st.mode & 0o7777, size: type === 'file' ? st.size : 0, uid: st.uid, gid: st.gid };
      if (type === 'symlink') info.linkTarget = await readlink(abs);
      const want = type === 'file' ? wanted(requests, info) : undefined;
      entries.push(want ? keepBody(content.warnings, info, want, info.size <= want.limit ? await readFile(abs) : undefined, bodies) : info);
      content.tarBytes += info.size;
      if (type === 'dir') await walk(path);
    }
  };
  await walk('');
  return content;
}
