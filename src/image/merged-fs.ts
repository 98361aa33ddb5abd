import { bodyBytes, type Body } from './body-store.js';
import { FileTable, ROOT, SPILL_NODES, typeOf, type FileMeta, type NodeRow } from './file-table.js';
import type { CapturedFile, FileInfo, FileType, ImageFilesystem, IndexedFile } from './files.js';
import type { LayerContent, LayerEntry } from './layer-reader.js';
import { basename, dirname, normalizeImagePath, resolveLinkTarget, walkOrder } from './paths.js';
import type { ScanWarning } from '../model/warning.js';
import type { LayerRef } from '../model/layer.js';

/** Linux's limit on symlinks followed in one lookup (ELOOP). */
const MAX_SYMLINK_HOPS = 40;
/** Files checked for a wanted alias name (bounds the work a forest of symlinks can cause). */
const MAX_ALIAS_CHECKS = 1_000_000;
/** A directory the merge creates because an entry lies below it, as runtimes create it. */
const IMPLICIT_DIR: FileMeta = { type: 'dir', mode: 0o755, size: 0 };

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
  private readonly table: FileTable;
  readonly warnings: ScanWarning[] = [];
  /**
   * Directories already resolved, with the symlink hops it took: a database listing a million paths
   * under a directory reached through a 40-hop chain follows the chain once, not once per path.
   * Cleared whenever the tree changes.
   */
  private readonly dirs = new Map<string, { node: number; hops: number } | undefined>();
  /** Every captured file, sorted by path, while the tree does not change. */
  private capturedFiles: CapturedFile[] | undefined;
  /**
   * The directory the last entry applied was written in: tar order puts a directory's entries
   * together, so most entries skip walking their parents' path. Forgotten when a node is replaced
   * (that may be the directory or one on its path) and between layers (whiteouts change the tree).
   */
  private lastParentPath: string | undefined;
  private lastParent = ROOT;

  /** `spillAt`: nodes past which the index moves from memory to SQLite ({@link SPILL_NODES}). */
  constructor(rootLayer: LayerRef, spillAt = SPILL_NODES) {
    this.table = new FileTable(rootLayer, spillAt);
  }

  /** Whether the index has moved to SQLite (the image passed {@link SPILL_NODES} nodes). */
  get indexSpilled(): boolean {
    return this.table.spilled;
  }

  /** Frees the index's SQLite database, when it moved there: the view must not be read after. */
  close(): void {
    this.table.close();
  }

  /**
   * Applies one layer: its whiteouts and opaque markers hide lower content, then its entries are written
   * in tar order, each handed to `each` once written (so a caller keeps what it needs of the listing
   * without decoding it again).
   */
  apply(layer: LayerContent, each?: (entry: LayerEntry) => void): void {
    this.dirs.clear();
    this.capturedFiles = undefined;
    this.lastParentPath = undefined;
    for (const dir of layer.opaqueDirs) {
      const node = this.lookup(dir, true);
      if (node !== undefined) this.table.empty(node);
      this.dirs.clear();
    }
    for (const path of layer.whiteouts) {
      const parent = this.lookup(dirname(path), true);
      if (parent !== undefined) this.table.remove(parent, basename(path));
    }
    for (const entry of layer.entries) {
      this.write(entry, layer.ref);
      each?.(entry);
    }
    this.lastParentPath = undefined;
  }

  private write(entry: LayerEntry, layer: LayerRef): void {
    if (this.dirs.size > 0) this.dirs.clear();
    const dir = dirname(entry.path);
    const parent = this.lastParentPath === dir ? this.lastParent : this.ensureDir(dir, layer);
    if (parent === undefined) {
      this.warnings.push({ path: entry.path, message: 'skipped: too many levels of symbolic links in its directory', source: 'image' });
      return;
    }
    this.lastParentPath = dir;
    this.lastParent = parent;
    const name = basename(entry.path);
    const existing = this.table.child(parent, name);
    if (entry.type === 'dir' && existing !== undefined && this.table.isDir(existing)) {
      this.table.set(existing, entry, layer);
      return;
    }
    if (existing !== undefined) this.lastParentPath = undefined;
    const node = existing === undefined ? this.table.add(parent, name, entry, layer) : this.table.replace(existing, entry, layer);
    if (entry.body) this.table.setBody(node, entry.body);
    if (entry.type === 'hardlink') this.linkHard(node, entry, layer);
  }

  /** A hard link shares its target's inode (mode, owner, size, body); the target is already in the view (tar order). */
  private linkHard(node: number, entry: LayerEntry, layer: LayerRef): void {
    const target = entry.linkTarget === undefined ? undefined : this.lookup(entry.linkTarget, false);
    if (target === undefined || this.table.type(target) !== 'file') {
      this.warnings.push({ path: entry.path, message: `hard link to missing file ${entry.linkTarget ?? ''}`, source: 'image' });
      return;
    }
    this.table.set(node, { type: 'hardlink', ...this.table.meta(target), linkTarget: this.table.path(target) }, layer);
    const body = this.table.body(target);
    if (body) this.table.setBody(node, body);
  }

  /**
   * Finds (or creates, as runtimes do) the directory at `path`, following
   * symlinks in it inside the root; undefined on a symlink loop.
   */
  private ensureDir(path: string, layer: LayerRef): number | undefined {
    let pending = path === '' ? [] : path.split('/');
    let node = ROOT;
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.shift() as string;
      let child = this.table.child(node, name);
      if (child !== undefined && this.table.type(child) === 'symlink') {
        if (++hops > MAX_SYMLINK_HOPS) return undefined;
        const target = resolveLinkTarget(this.table.path(node), this.table.linkTarget(child) ?? '');
        pending = [...target.split('/').filter(Boolean), ...pending];
        node = ROOT;
        continue;
      }
      if (child === undefined) child = this.table.add(node, name, IMPLICIT_DIR, layer);
      else if (!this.table.isDir(child)) this.table.replace(child, IMPLICIT_DIR, layer);
      node = child;
    }
    return node;
  }

  /** Finds `path`, following symlinks in the parents (and the last part when `followLast`). */
  private lookup(path: string, followLast: boolean): number | undefined {
    return this.locate(path, followLast)?.node;
  }

  /**
   * {@link lookup}, with the node's path when the last step reached it without a symlink (the name
   * looked up is then where it is: no need to build it from its parents); `hops` were spent getting here.
   */
  private locate(path: string, followLast: boolean, hops = 0): { node: number; path?: string } | undefined {
    const normal = normalizeImagePath(path);
    if (normal === '') return { node: ROOT, path: '' };
    const dirPath = dirname(normal);
    const dir = this.directory(dirPath);
    const child = dir && this.table.child(dir.node, basename(normal));
    if (!dir || child === undefined) return undefined;
    if (this.table.type(child) !== 'symlink' || !followLast) return dir.hops === 0 ? { node: child, path: normal } : { node: child };
    const spent = hops + dir.hops + 1;
    if (spent > MAX_SYMLINK_HOPS) return undefined;
    const linkDir = dir.hops === 0 ? dirPath : this.table.path(dir.node);
    return this.locate(resolveLinkTarget(linkDir, this.table.linkTarget(child) ?? ''), true, spent);
  }

  /** The file `path` leads to, following its last part when `followLast`. */
  private found(path: string, followLast: boolean): IndexedFile | undefined {
    const found = this.locate(path, followLast);
    return found === undefined || found.node === ROOT ? undefined : this.table.file(found.node, found.path);
  }

  /** The node a directory path leads to, every symlink in it followed (memoised in `dirs`). */
  private directory(path: string): { node: number; hops: number } | undefined {
    if (this.dirs.has(path)) return this.dirs.get(path);
    let pending = path === '' ? [] : path.split('/');
    let node = ROOT;
    let hops = 0;
    let found: { node: number; hops: number } | undefined;
    for (;;) {
      if (pending.length === 0) {
        found = { node, hops };
        break;
      }
      const name = pending.shift() as string;
      const child = this.table.child(node, name);
      if (child === undefined) break;
      if (this.table.type(child) === 'symlink') {
        if (++hops > MAX_SYMLINK_HOPS) break;
        const target = resolveLinkTarget(this.table.path(node), this.table.linkTarget(child) ?? '');
        pending = [...target.split('/').filter(Boolean), ...pending];
        node = ROOT;
        continue;
      }
      node = child;
    }
    this.dirs.set(path, found);
    return found;
  }

  get(path: string): IndexedFile | undefined {
    return this.found(path, false);
  }

  resolve(path: string): IndexedFile | undefined {
    return this.found(path, true);
  }

  realPath(path: string): string | undefined {
    const found = this.locate(path, true);
    return found === undefined || found.node === ROOT ? undefined : (found.path ?? this.table.path(found.node));
  }

  /**
   * Every entry of the merged view, parents before children, each directory's names in byte order;
   * with `below`, those under that directory (reached without following a symlink, as its entries' paths start with it).
   */
  *entries(below = ''): IterableIterator<IndexedFile> {
    const top = this.directoryAsWritten(below);
    if (top === undefined) return;
    // One open directory per level being walked, each read a page of sorted names at a time: a
    // directory of 130,000 entries is never held whole.
    const stack: { children: Iterator<NodeRow>; path: string }[] = [{ children: this.table.children(top), path: normalizeImagePath(below) }];
    while (stack.length > 0) {
      const dir = stack.at(-1) as (typeof stack)[number];
      const next = dir.children.next();
      if (next.done) {
        stack.pop();
        continue;
      }
      const row = next.value;
      const path = dir.path ? `${dir.path}/${row.name}` : row.name;
      const file = this.table.fileOf(row, path);
      yield file;
      if (file.type === 'dir') stack.push({ children: this.table.children(row.id), path });
    }
  }

  /** The directory at `path`, no symlink followed; undefined when there is none. */
  private directoryAsWritten(path: string): number | undefined {
    let node = ROOT;
    for (const name of normalizeImagePath(path).split('/')) {
      if (name === '') continue;
      const child = this.table.child(node, name);
      if (child === undefined || !this.table.isDir(child)) return undefined;
      node = child;
    }
    return node;
  }

  /**
   * The entries whose type and mode `keep` accepts (setuid bits, world-writable), in the order of
   * {@link entries}. They are picked from the index's columns, so only those become objects with
   * paths: a check looking for a dozen files among 12,000 pays for a dozen.
   */
  withMode(keep: (type: FileType, mode: number) => boolean): IndexedFile[] {
    const files = this.table.files(this.table.withMode(keep));
    return files.sort((a, b) => walkOrder(a.path, b.path));
  }

  /**
   * Files whose bodies no request kept under their own path but some request wants under a name that
   * reaches them through a symlink (`lib/apk/db -> /x` and `x/installed`; `var/lib/dpkg/status ->
   * ../../elsewhere/status`): the layer that wrote each and its path, to be read again. Aliases are
   * looked for one symlink deep, within a budget of checks. `wantUnder` says how a file is wanted under
   * a name; `keptUnderOwnName`, whether its own name is one some request wants (its body was then dropped
   * on purpose: reduced, too large). An alias `wantUnder` passes over does not hide a later one it takes.
   */
  bodiesWantedThroughLinks<W>(
    wantUnder: (info: FileInfo) => W | undefined,
    keptUnderOwnName: (info: FileInfo) => boolean,
  ): { layer: number; path: string; want: W }[] {
    const found = new Map<number, { layer: number; path: string; want: W }>();
    let budget = MAX_ALIAS_CHECKS;
    const consider = (node: number, alias: string, row?: NodeRow): void => {
      if ((row ? typeOf(row) : this.table.type(node)) !== 'file' || this.table.body(node) || found.has(node) || budget-- <= 0) return;
      // Asked under the alias first: few files are wanted there, and its own path need not be built for the rest.
      const w = wantUnder(row ? this.table.fileOf(row, alias) : this.table.file(node, alias));
      if (w === undefined) return;
      const file = this.table.file(node);
      if (!keptUnderOwnName(file)) found.set(node, { layer: file.layer.index, path: file.path, want: w });
    };
    for (const node of this.table.symlinks()) {
      if (budget <= 0) break;
      const link = this.table.path(node);
      const target = this.lookup(link, true);
      if (target === undefined || target === ROOT) continue;
      if (!this.table.isDir(target)) {
        consider(target, link);
        continue;
      }
      // A symlinked directory: every file below its target has a name below the link too.
      const below: [number, string][] = [[target, link]];
      while (below.length > 0 && budget > 0) {
        const [dir, alias] = below.pop() as [number, string];
        for (const row of this.table.children(dir)) {
          const type = typeOf(row);
          if (type === 'dir') below.push([row.id, `${alias}/${row.name}`]);
          // Only files are considered: no name is built for the rest (a lib directory is half symlinks).
          else if (type === 'file') consider(row.id, `${alias}/${row.name}`, row);
        }
      }
    }
    return [...found.values()];
  }

  /** The merged path a layer's tar entry lands on (its parents' symlinks followed). */
  landsOn(path: string): string {
    const parent = this.lookup(dirname(path), true);
    const dir = parent === undefined ? dirname(path) : this.table.path(parent);
    return dir ? `${dir}/${basename(path)}` : basename(path);
  }

  /** Gives a file the body read for it by a later pass. */
  setBody(path: string, body: Body): void {
    const node = this.lookup(path, false);
    if (node !== undefined && this.table.type(node) === 'file') this.table.setBody(node, body);
    this.capturedFiles = undefined;
  }

  read(path: string): CapturedFile | undefined {
    const found = this.locate(path, true);
    const body = found === undefined ? undefined : this.table.body(found.node);
    return found !== undefined && body ? capturedFile(this.table.file(found.node, found.path), body) : undefined;
  }

  /** The captured files layer `index` wrote that are still in the view, sorted by path (one layer's source files). */
  capturedFrom(index: number): CapturedFile[] {
    const files: CapturedFile[] = [];
    for (const [node, body] of this.table.withBodies()) {
      if (this.table.layerOf(node).index === index) files.push(capturedFile(this.table.file(node), body));
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  captured(filter?: (file: CapturedFile) => boolean): CapturedFile[] {
    // Built once for all the analyzers that ask: each building its own list of thousands of files
    // (a row read and a path built for each) left megabytes of garbage per analyzer.
    if (!this.capturedFiles) {
      const all: CapturedFile[] = [];
      for (const [node, body] of this.table.withBodies()) all.push(capturedFile(this.table.file(node), body));
      this.capturedFiles = all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    return filter ? this.capturedFiles.filter(filter) : [...this.capturedFiles];
  }
}
