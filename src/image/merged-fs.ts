import type { CapturedFile, ImageFilesystem, IndexedFile, LayerRef } from './files.js';
import type { LayerContent, LayerEntry } from './layer-reader.js';
import { basename, dirname, normalizeImagePath, resolveLinkTarget } from './paths.js';
import type { ScanWarning } from '../model/package.js';

/** Linux's limit on symlinks followed in one lookup (ELOOP). */
const MAX_SYMLINK_HOPS = 40;

interface Node {
  file: IndexedFile;
  body?: Buffer;
  children?: Map<string, Node>;
}

function dirNode(path: string, layer: LayerRef): Node {
  return { file: { path, type: 'dir', mode: 0o755, size: 0, layer }, children: new Map() };
}

/**
 * The merged view of an image's layers: each layer is applied on top of the
 * ones below it with OCI whiteout semantics, and every file remembers the
 * layer that last wrote it. Lookups follow symlinks only inside the image root.
 */
export class MergedFilesystem implements ImageFilesystem {
  private readonly root: Node;
  readonly warnings: ScanWarning[] = [];

  constructor(rootLayer: LayerRef) {
    this.root = dirNode('', rootLayer);
  }

  /** Applies one layer: its whiteouts and opaque markers hide lower content, then its entries are written in tar order. */
  apply(layer: LayerContent): void {
    for (const dir of layer.opaqueDirs) {
      const node = this.lookup(dir, true);
      node?.children?.clear();
    }
    for (const path of layer.whiteouts) {
      const parent = this.lookup(dirname(path), true);
      parent?.children?.delete(basename(path));
    }
    for (const entry of layer.entries) this.write(entry, layer.ref);
  }

  private write(entry: LayerEntry, layer: LayerRef): void {
    const parent = this.ensureDir(dirname(entry.path), layer);
    if (!parent) {
      this.warnings.push({ path: entry.path, message: 'skipped: too many levels of symbolic links in its directory' });
      return;
    }
    const name = basename(entry.path);
    const path = parent.file.path ? `${parent.file.path}/${name}` : name;
    const children = parent.children as Map<string, Node>;
    const existing = children.get(name);
    const { body, ...info } = entry;
    const file: IndexedFile = { ...info, path, layer };
    if (entry.type === 'dir' && existing?.file.type === 'dir') {
      existing.file = file;
      return;
    }
    const node: Node = { file };
    if (entry.type === 'dir') node.children = new Map();
    if (body) node.body = body;
    if (entry.type === 'hardlink') this.linkHard(node, entry);
    children.set(name, node);
  }

  /** A hard link shares its target's inode (mode, owner, size, body); the target is already in the view (tar order). */
  private linkHard(node: Node, entry: LayerEntry): void {
    const target = entry.linkTarget === undefined ? undefined : this.lookup(entry.linkTarget, false);
    if (!target || target.file.type !== 'file') {
      this.warnings.push({ path: entry.path, message: `hard link to missing file ${entry.linkTarget ?? ''}` });
      return;
    }
    const { mode, uid, gid, size } = target.file;
    node.file = { ...node.file, mode, uid, gid, size, linkTarget: target.file.path };
    if (target.body) node.body = target.body;
  }

  /**
   * Finds (or creates, as runtimes do) the directory at `path`, following
   * symlinks in it inside the root; undefined on a symlink loop.
   */
  private ensureDir(path: string, layer: LayerRef): Node | undefined {
    let pending = path === '' ? [] : path.split('/');
    let node = this.root;
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.shift() as string;
      const children = node.children as Map<string, Node>;
      let child = children.get(name);
      if (child?.file.type === 'symlink') {
        if (++hops > MAX_SYMLINK_HOPS) return undefined;
        const target = resolveLinkTarget(node.file.path, child.file.linkTarget ?? '');
        pending = [...target.split('/').filter(Boolean), ...pending];
        node = this.root;
        continue;
      }
      if (!child?.children) {
        child = dirNode(node.file.path ? `${node.file.path}/${name}` : name, layer);
        children.set(name, child);
      }
      node = child;
    }
    return node;
  }

  /** Walks `path` from the root, following symlinks in the parents (and the last part when `followLast`). */
  private lookup(path: string, followLast: boolean): Node | undefined {
    let pending = normalizeImagePath(path).split('/').filter(Boolean);
    let node = this.root;
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.shift() as string;
      const child = node.children?.get(name);
      if (!child) return undefined;
      if (child.file.type === 'symlink' && (pending.length > 0 || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) return undefined;
        const target = resolveLinkTarget(node.file.path, child.file.linkTarget ?? '');
        pending = [...target.split('/').filter(Boolean), ...pending];
        node = this.root;
        continue;
      }
      node = child;
    }
    return node;
  }

  get(path: string): IndexedFile | undefined {
    const node = this.lookup(path, false);
    return node === this.root ? undefined : node?.file;
  }

  resolve(path: string): IndexedFile | undefined {
    const node = this.lookup(path, true);
    return node === this.root ? undefined : node?.file;
  }

  *entries(): IterableIterator<IndexedFile> {
    const stack: Node[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as Node;
      if (node !== this.root) yield node.file;
      if (node.children) {
        const names = [...node.children.keys()].sort().reverse();
        for (const name of names) stack.push(node.children.get(name) as Node);
      }
    }
  }

  read(path: string): CapturedFile | undefined {
    const node = this.lookup(path, true);
    return node?.body ? { ...node.file, body: node.body } : undefined;
  }

  captured(filter?: (file: CapturedFile) => boolean): CapturedFile[] {
    const out: CapturedFile[] = [];
    const stack: Node[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as Node;
      if (node.body) {
        const file = { ...node.file, body: node.body };
        if (!filter || filter(file)) out.push(file);
      }
      if (node.children) stack.push(...node.children.values());
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
