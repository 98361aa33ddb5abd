// The merged view's index of nodes. It starts as typed columns in memory (fast: a lookup is a map read)
// and, past a number of nodes, moves everything it holds into a temporary SQLite database and continues
// there, so an image of two million entries costs about the memory of one of thirty thousand. Ids
// stay the same across the move. Paths are built from the names on demand.
import type { Body } from './body-store.js';
import type { FileInfo, FileType, IndexedFile } from './files.js';
import type { LayerRef } from '../model/layer.js';
import { MemoryNodes } from './memory-nodes.js';
import { DIR, ROOT, TYPES, type NodeFields, type NodeRow, type NodeStore } from './node-store.js';
import { SqliteNodes } from './sqlite-nodes.js';

export { ROOT, type NodeRow } from './node-store.js';

/** A node's metadata: a file's without its path, which the tree gives. */
export type FileMeta = Omit<FileInfo, 'path'>;

/**
 * Nodes kept in memory before the index moves to SQLite. Measured: SQLite made the sbom of debian-app
 * (~12,000 nodes) about 1.4x slower end to end; in memory, building 50,000 nodes grows RSS by ~13 MB and
 * 200,000 by ~58 MB. Moving at 200,000 took the 2,000,000-entry layer to 168 MB and at 50,000 to
 * 145-155 MB (main: 137-143 MB), against issue 12's 150 MB: 30,000 keeps ordinary images in memory.
 */
export const SPILL_NODES = 30_000;

export class FileTable {
  private store: NodeStore;
  private memory: MemoryNodes | undefined = new MemoryNodes();
  private nextId = ROOT;
  /** One shared LayerRef per layer, however many files it wrote. */
  private readonly layers: LayerRef[] = [];
  private readonly layerIds = new Map<LayerRef, number>();
  /** Captured bodies stay in memory (the body store bounds them); the store notes which nodes hold one. */
  private readonly bodies = new Map<number, Body>();

  /** `spillAt`: nodes past which the index moves to SQLite (tests force it early). */
  constructor(
    rootLayer: LayerRef,
    private readonly spillAt = SPILL_NODES,
  ) {
    this.store = this.memory as MemoryNodes;
    this.add(-1, '', { type: 'dir', mode: 0o755, size: 0 }, rootLayer);
  }

  /** Whether the index has moved to SQLite. */
  get spilled(): boolean {
    return this.memory === undefined;
  }

  /** Frees the SQLite database a spilled index lives in (nothing to free in memory). Later calls do nothing. */
  close(): void {
    if (this.store instanceof SqliteNodes) this.store.close();
  }

  /** A new node named `name` in the directory `parent`. */
  add(parent: number, name: string, meta: FileMeta, layer: LayerRef): number {
    if (this.memory && this.nextId >= this.spillAt) this.spill(this.memory);
    const id = this.nextId++;
    this.store.insert(id, parent, name, this.fields(meta, layer));
    return id;
  }

  /** Moves every live node, with its id, into a SQLite store; the columns are dropped. */
  private spill(memory: MemoryNodes): void {
    const sqlite = new SqliteNodes();
    for (const { parent, row } of memory.live()) {
      sqlite.insert(row.id, parent, row.name, row);
      if (this.bodies.has(row.id)) sqlite.markBody(row.id);
    }
    this.store = sqlite;
    this.memory = undefined;
  }

  /** Gives a node new metadata; a directory keeps its children. */
  set(id: number, meta: FileMeta, layer: LayerRef): void {
    this.store.update(id, this.fields(meta, layer));
  }

  /** Puts a different node in the place of `id`: what it held (children, body) is forgotten. */
  replace(id: number, meta: FileMeta, layer: LayerRef): number {
    this.store.forgetBelow(id, this.bodies);
    this.bodies.delete(id);
    this.set(id, meta, layer);
    return id;
  }

  /** Deletes `name` (and everything below it) from the directory `parent`. */
  remove(parent: number, name: string): void {
    const id = this.child(parent, name);
    if (id === undefined) return;
    this.store.forgetBelow(id, this.bodies);
    this.bodies.delete(id);
    this.store.removeNode(parent, name, id);
  }

  /** Empties a directory (an opaque marker hides what lower layers put in it). */
  empty(id: number): void {
    this.store.forgetBelow(id, this.bodies);
  }

  type(id: number): FileType {
    return TYPES[this.store.kind(id)] as FileType;
  }

  isDir(id: number): boolean {
    return this.store.kind(id) === DIR;
  }

  child(parent: number, name: string): number | undefined {
    return this.store.child(parent, name);
  }

  /** A directory's children sorted by name (byte order). */
  children(id: number): IterableIterator<NodeRow> {
    return this.store.children(id);
  }

  /** Every symlink. */
  symlinks(): IterableIterator<number> {
    return this.store.symlinks();
  }

  /** Every node but the root whose type and mode `keep` accepts, by id. */
  withMode(keep: (type: FileType, mode: number) => boolean): number[] {
    return this.store.withMode((kind, mode) => keep(TYPES[kind] as FileType, mode));
  }

  linkTarget(id: number): string | undefined {
    return this.store.row(id).link ?? undefined;
  }

  body(id: number): Body | undefined {
    return this.bodies.get(id);
  }

  setBody(id: number, body: Body): void {
    this.bodies.set(id, body);
    this.store.markBody(id);
  }

  /** Every node that holds a body. */
  withBodies(): IterableIterator<[number, Body]> {
    return this.bodies.entries();
  }

  /** The layer that last wrote the node. */
  layerOf(id: number): LayerRef {
    return this.layers[this.store.row(id).layer] as LayerRef;
  }

  /** Its path from the root, built from the names of its parents. */
  path(id: number): string {
    let path = '';
    for (let node = id; node > ROOT;) {
      const { parent, name } = this.store.up(node);
      path = node === id ? name : `${name}/${path}`;
      node = parent;
    }
    return path;
  }

  /** Mode, size and owner: what a hard link shares with its target. */
  meta(id: number): Pick<FileMeta, 'mode' | 'size' | 'uid' | 'gid'> {
    return metaOf(this.store.row(id));
  }

  /** The node as the ImageFilesystem interface gives it, `path` being where it is. */
  file(id: number, path = this.path(id)): IndexedFile {
    return this.fileOf(this.store.row(id), path);
  }

  /** Several nodes as files: each directory's path is built once for all the nodes below it (and read once, once the index has spilled). */
  files(ids: readonly number[]): IndexedFile[] {
    const dirs = new Map<number, string>([[ROOT, '']]);
    const pathOf = (id: number): string => {
      const below: { id: number; name: string }[] = [];
      let node = id;
      for (let known = dirs.get(node); known === undefined; known = dirs.get(node)) {
        const { parent, name } = this.store.up(node);
        below.push({ id: node, name });
        node = parent;
      }
      let path = dirs.get(node) as string;
      for (let i = below.length - 1; i >= 0; i--) {
        const { id: step, name } = below[i] as { id: number; name: string };
        path = path ? `${path}/${name}` : name;
        if (i > 0) dirs.set(step, path);
      }
      return path;
    };
    return ids.map((id) => this.fileOf(this.store.row(id), pathOf(id)));
  }

  /** A row (from {@link children}) as the ImageFilesystem interface gives it. */
  fileOf(row: NodeRow, path: string): IndexedFile {
    // Fields set one by one, in this order, rather than spread: one object per file, the same keys.
    const file = withOwner({ path, type: typeOf(row), mode: row.mode, size: row.size } as IndexedFile, row);
    if (row.link !== null) file.linkTarget = row.link;
    file.layer = this.layers[row.layer] as LayerRef;
    return file;
  }

  private fields(meta: FileMeta, layer: LayerRef): NodeFields {
    return {
      kind: TYPES.indexOf(meta.type),
      mode: meta.mode,
      size: meta.size,
      uid: meta.uid ?? null,
      gid: meta.gid ?? null,
      layer: this.layerId(layer),
      link: meta.linkTarget ?? null,
    };
  }

  private layerId(layer: LayerRef): number {
    let id = this.layerIds.get(layer);
    if (id === undefined) {
      id = this.layers.push(layer) - 1;
      this.layerIds.set(layer, id);
    }
    return id;
  }
}

/** A row's file type. */
export function typeOf(row: NodeRow): FileType {
  return TYPES[row.kind] as FileType;
}

function metaOf(row: NodeRow): Pick<FileMeta, 'mode' | 'size' | 'uid' | 'gid'> {
  const meta: Pick<FileMeta, 'mode' | 'size' | 'uid' | 'gid'> = { mode: row.mode, size: row.size };
  return withOwner(meta, row);
}

/** `target` given the row's owner ids, those it has (set one by one, not spread: this runs per file). */
function withOwner<T extends { uid?: number; gid?: number }>(target: T, row: NodeRow): T {
  if (row.uid !== null) target.uid = row.uid;
  if (row.gid !== null) target.gid = row.gid;
  return target;
}
