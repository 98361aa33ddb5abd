// The merged view's nodes as rows of typed columns, not one object per file: an image of two million
// entries costs a few dozen bytes per entry (its name, one map slot in its directory, the columns)
// instead of several objects and a full path string each. Paths are built from the names on demand.
import type { Body } from './body-store.js';
import type { FileInfo, FileType, IndexedFile } from './files.js';
import type { LayerRef } from '../model/layer.js';

/** A node's metadata: a file's without its path, which the tree gives. */
export type FileMeta = Omit<FileInfo, 'path'>;

const TYPES: readonly FileType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
/** Stands for an owner the entry did not give (directories the merge creates). */
const NO_OWNER = 0xffffffff;
export const ROOT = 0;

function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(column: T, length: number): T {
  const next = new (column.constructor as new (n: number) => T)(length);
  next.set(column);
  return next;
}

export class FileTable {
  private rows = 0;
  private parents = new Int32Array(1024);
  private kinds = new Uint8Array(1024);
  private modes = new Uint16Array(1024);
  private sizes = new Float64Array(1024);
  private uids = new Uint32Array(1024);
  private gids = new Uint32Array(1024);
  private layerOf = new Uint32Array(1024);
  private readonly names: string[] = [];
  /** One shared LayerRef per layer, however many files it wrote. */
  private readonly layers: LayerRef[] = [];
  private readonly layerIds = new Map<LayerRef, number>();
  // Optional fields live beside the columns, only for the rows that have them.
  private readonly links = new Map<number, string>();
  private readonly bodies = new Map<number, Body>();
  private readonly dirs = new Map<number, Map<string, number>>();

  constructor(rootLayer: LayerRef) {
    this.add(-1, '', { type: 'dir', mode: 0o755, size: 0 }, rootLayer);
  }

  /** A new node named `name` in the directory `parent`. */
  add(parent: number, name: string, meta: FileMeta, layer: LayerRef): number {
    if (this.rows === this.parents.length) this.grow();
    const id = this.rows++;
    this.parents[id] = parent;
    this.names[id] = name;
    this.set(id, meta, layer);
    this.dirs.get(parent)?.set(name, id);
    return id;
  }

  /** Gives a node new metadata; a directory keeps its children. */
  set(id: number, meta: FileMeta, layer: LayerRef): void {
    this.kinds[id] = TYPES.indexOf(meta.type);
    this.modes[id] = meta.mode;
    this.sizes[id] = meta.size;
    this.uids[id] = meta.uid ?? NO_OWNER;
    this.gids[id] = meta.gid ?? NO_OWNER;
    this.layerOf[id] = this.layerId(layer);
    if (meta.linkTarget === undefined) this.links.delete(id);
    else this.links.set(id, meta.linkTarget);
    if (meta.type === 'dir' && !this.dirs.has(id)) this.dirs.set(id, new Map());
  }

  /** Puts a different node in the place of `id`: what it held (children, body) is forgotten. */
  replace(id: number, meta: FileMeta, layer: LayerRef): number {
    this.forget(id);
    this.set(id, meta, layer);
    return id;
  }

  /** Deletes `name` (and everything below it) from the directory `parent`. */
  remove(parent: number, name: string): void {
    const id = this.child(parent, name);
    if (id === undefined) return;
    this.forget(id);
    this.dirs.get(parent)?.delete(name);
  }

  /** Empties a directory (an opaque marker hides what lower layers put in it). */
  empty(id: number): void {
    const children = this.dirs.get(id);
    if (!children) return;
    for (const child of children.values()) this.forget(child);
    children.clear();
  }

  /** Drops what a node and everything below it hold, so nothing unreachable keeps a body alive. */
  private forget(id: number): void {
    const stack = [id];
    while (stack.length > 0) {
      const node = stack.pop() as number;
      // One push per child: spreading a directory of 125,000 entries overflows the call stack.
      for (const child of this.dirs.get(node)?.values() ?? []) stack.push(child);
      this.dirs.delete(node);
      this.bodies.delete(node);
      this.links.delete(node);
    }
  }

  type(id: number): FileType {
    return TYPES[this.kinds[id] as number] as FileType;
  }

  isDir(id: number): boolean {
    return this.dirs.has(id);
  }

  child(parent: number, name: string): number | undefined {
    return this.dirs.get(parent)?.get(name);
  }

  children(id: number): ReadonlyMap<string, number> | undefined {
    return this.dirs.get(id);
  }

  linkTarget(id: number): string | undefined {
    return this.links.get(id);
  }

  body(id: number): Body | undefined {
    return this.bodies.get(id);
  }

  setBody(id: number, body: Body): void {
    this.bodies.set(id, body);
  }

  /** Every node that holds a body. */
  withBodies(): IterableIterator<[number, Body]> {
    return this.bodies.entries();
  }

  /** Its path from the root, built from the names of its parents. */
  path(id: number): string {
    const parts: string[] = [];
    for (let node = id; node > ROOT; node = this.parents[node] as number) parts.push(this.names[node] as string);
    return parts.reverse().join('/');
  }

  /** Mode, size and owner: what a hard link shares with its target. */
  meta(id: number): Pick<FileMeta, 'mode' | 'size' | 'uid' | 'gid'> {
    const uid = this.uids[id] as number;
    const gid = this.gids[id] as number;
    return { mode: this.modes[id] as number, size: this.sizes[id] as number, ...(uid !== NO_OWNER ? { uid } : {}), ...(gid !== NO_OWNER ? { gid } : {}) };
  }

  /** The node as the ImageFilesystem interface gives it, `path` being where it is. */
  file(id: number, path = this.path(id)): IndexedFile {
    const linkTarget = this.links.get(id);
    const layer = this.layers[this.layerOf[id] as number] as LayerRef;
    return { path, type: this.type(id), ...this.meta(id), ...(linkTarget !== undefined ? { linkTarget } : {}), layer };
  }

  private layerId(layer: LayerRef): number {
    let id = this.layerIds.get(layer);
    if (id === undefined) {
      id = this.layers.push(layer) - 1;
      this.layerIds.set(layer, id);
    }
    return id;
  }

  private grow(): void {
    const length = this.parents.length * 2;
    this.parents = grown(this.parents, length);
    this.kinds = grown(this.kinds, length);
    this.modes = grown(this.modes, length);
    this.sizes = grown(this.sizes, length);
    this.uids = grown(this.uids, length);
    this.gids = grown(this.gids, length);
    this.layerOf = grown(this.layerOf, length);
  }
}
