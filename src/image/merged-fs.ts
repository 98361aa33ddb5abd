import { bodyBytes, type Body } from './body-store.js';
import type { CapturedFile, FileInfo, ImageFilesystem, IndexedFile, LayerRef } from './files.js';
import type { LayerContent, LayerEntry } from './layer-reader.js';
import { basename, dirname, normalizeImagePath, resolveLinkTarget } from './paths.js';
import type { ScanWarning } from '../model/package.js';

/** Linux's limit on symlinks followed in one lookup (ELOOP). */
const MAX_SYMLINK_HOPS = 40;
/** Files checked for a wanted alias name (bounds the work a forest of symlinks can cause). */
const MAX_ALIAS_CHECKS = 1_000_000;

interface Node {
  file: IndexedFile;
  body?: Body;
  children?: Map<string, Node>;
}

function dirNode(path: string, layer: LayerRef): Node {
  return { file: { path, type: 'dir', mode: 0o755, size: 0, layer }, children: new Map() };
}

/** A captured file whose body, when spilled to disk, is read back each time it is used and never held by the file. */
function capturedFile(file: IndexedFile, body: Body): CapturedFile {
  if (Buffer.isBuffer(body)) return { ...file, body };
  return Object.defineProperty({ ...file }, 'body', { get: () => bodyBytes(body), enumerable: true }) as CapturedFile;
}

/**
 * The merged view of an image's layers: each layer is applied on top of the
 * ones below it with OCI whiteout semantics, and every file remembers the
 * layer that last wrote it. Lookups follow symlinks only inside the image root.
 */
export class MergedFilesystem implements ImageFilesystem {
  private readonly root: Node;
  readonly warnings: ScanWarning[] = [];
  /**
   * Directories already resolved, with the symlink hops it took: a database listing a million paths
   * under a directory reached through a 40-hop chain follows the chain once, not once per path.
   * Cleared whenever the tree changes.
   */
  private readonly dirs = new Map<string, { node: Node; hops: number } | undefined>();

  constructor(rootLayer: LayerRef) {
    this.root = dirNode('', rootLayer);
  }

  /** Applies one layer: its whiteouts and opaque markers hide lower content, then its entries are written in tar order. */
  apply(layer: LayerContent): void {
    this.dirs.clear();
    for (const dir of layer.opaqueDirs) {
      const node = this.lookup(dir, true);
      node?.children?.clear();
      this.dirs.clear();
    }
    for (const path of layer.whiteouts) {
      const parent = this.lookup(dirname(path), true);
      parent?.children?.delete(basename(path));
    }
    for (const entry of layer.entries) this.write(entry, layer.ref);
  }

  private write(entry: LayerEntry, layer: LayerRef): void {
    if (this.dirs.size > 0) this.dirs.clear();
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

  /** Finds `path`, following symlinks in the parents (and the last part when `followLast`); `hops` were spent getting here. */
  private lookup(path: string, followLast: boolean, hops = 0): Node | undefined {
    const normal = normalizeImagePath(path);
    if (normal === '') return this.root;
    const dir = this.directory(dirname(normal));
    const child = dir?.node.children?.get(basename(normal));
    if (!dir || !child) return undefined;
    if (child.file.type !== 'symlink' || !followLast) return child;
    const spent = hops + dir.hops + 1;
    if (spent > MAX_SYMLINK_HOPS) return undefined;
    return this.lookup(resolveLinkTarget(dir.node.file.path, child.file.linkTarget ?? ''), true, spent);
  }

  /** The node a directory path leads to, every symlink in it followed (memoised in `dirs`). */
  private directory(path: string): { node: Node; hops: number } | undefined {
    if (this.dirs.has(path)) return this.dirs.get(path);
    let pending = path === '' ? [] : path.split('/');
    let node = this.root;
    let hops = 0;
    let found: { node: Node; hops: number } | undefined;
    for (;;) {
      if (pending.length === 0) {
        found = { node, hops };
        break;
      }
      const name = pending.shift() as string;
      const child = node.children?.get(name);
      if (!child) break;
      if (child.file.type === 'symlink') {
        if (++hops > MAX_SYMLINK_HOPS) break;
        const target = resolveLinkTarget(node.file.path, child.file.linkTarget ?? '');
        pending = [...target.split('/').filter(Boolean), ...pending];
        node = this.root;
        continue;
      }
      node = child;
    }
    this.dirs.set(path, found);
    return found;
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

  /**
   * Files whose bodies no request kept under their own path but some request wants under a name that
   * reaches them through a symlink (`lib/apk/db -> /x` and `x/installed`; `var/lib/dpkg/status ->
   * ../../elsewhere/status`): the layer that wrote each and its path, to be read again. Aliases are
   * looked for one symlink deep, within a budget of checks.
   */
  bodiesWantedThroughLinks<W>(want: (info: FileInfo) => W | undefined): { layer: number; path: string; want: W }[] {
    const found = new Map<Node, { layer: number; path: string; want: W }>();
    let budget = MAX_ALIAS_CHECKS;
    const consider = (node: Node, alias: string): void => {
      if (node.file.type !== 'file' || node.body || found.has(node) || budget-- <= 0) return;
      // Wanted under its own name too: its body was dropped on purpose (reduced, too large).
      if (want(node.file) !== undefined) return;
      const w = want({ ...node.file, path: alias });
      if (w !== undefined) found.set(node, { layer: node.file.layer.index, path: node.file.path, want: w });
    };
    const all: Node[] = [this.root];
    while (all.length > 0 && budget > 0) {
      const node = all.pop() as Node;
      if (node.children) for (const child of node.children.values()) all.push(child);
      if (node.file.type !== 'symlink') continue;
      const target = this.lookup(node.file.path, true);
      if (!target || target === this.root) continue;
      if (!target.children) {
        consider(target, node.file.path);
        continue;
      }
      // A symlinked directory: every file below its target has a name below the link too.
      const below: Node[] = [target];
      while (below.length > 0 && budget > 0) {
        const dir = below.pop() as Node;
        for (const child of dir.children?.values() ?? []) {
          if (child.children) below.push(child);
          else consider(child, `${node.file.path}${child.file.path.slice(target.file.path.length)}`);
        }
      }
    }
    return [...found.values()];
  }

  /** The merged path a layer's tar entry lands on (its parents' symlinks followed). */
  landsOn(path: string): string {
    const parent = this.lookup(dirname(path), true);
    const dir = parent?.file.path ?? dirname(path);
    return dir ? `${dir}/${basename(path)}` : basename(path);
  }

  /** Gives a file the body read for it by a later pass. */
  setBody(path: string, body: Body): void {
    const node = this.lookup(path, false);
    if (node?.file.type === 'file') node.body = body;
  }

  read(path: string): CapturedFile | undefined {
    const node = this.lookup(path, true);
    return node?.body ? capturedFile(node.file, node.body) : undefined;
  }

  captured(filter?: (file: CapturedFile) => boolean): CapturedFile[] {
    const out: CapturedFile[] = [];
    const stack: Node[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as Node;
      if (node.body) {
        const file = capturedFile(node.file, node.body);
        if (!filter || filter(file)) out.push(file);
      }
      // One push per child: spreading a directory of 125,000 entries overflows the call stack.
      if (node.children) for (const child of node.children.values()) stack.push(child);
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
