// The merged view's nodes as rows of an anonymous temporary SQLite database: SQLite keeps the pages in a
// bounded cache and spills the rest to a temp file it deletes itself, so an image of two million entries
// costs the same memory as one of two thousand. Paths are built from the names on demand.
import Database from 'better-sqlite3';
import type { Body } from './body-store.js';
import type { FileInfo, FileType, IndexedFile } from './files.js';
import type { LayerRef } from '../model/layer.js';

/** A node's metadata: a file's without its path, which the tree gives. */
export type FileMeta = Omit<FileInfo, 'path'>;

const TYPES: readonly FileType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
const DIR = TYPES.indexOf('dir');
const SYMLINK = TYPES.indexOf('symlink');
export const ROOT = 0;
/** Pages SQLite keeps in memory (KiB, as its negative cache_size): the rest of a large index is on disk. */
const CACHE_KIB = 8 * 1024;
/** Children read per query when a directory is walked (keyset pages: nothing is held across a yield). */
const PAGE = 512;

/** One node as stored. */
export interface NodeRow {
  id: number;
  name: string;
  kind: number;
  mode: number;
  size: number;
  uid: number | null;
  gid: number | null;
  layer: number;
  link: string | null;
}

const COLUMNS = 'id, name, kind, mode, size, uid, gid, layer, link';
/** Every node below `?` (itself included), for deletes. */
const SUBTREE = 'WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT n.id FROM nodes n JOIN sub ON n.parent = sub.id)';

export class FileTable {
  private readonly db = new Database('');
  private nextId = ROOT;
  /** One shared LayerRef per layer, however many files it wrote. */
  private readonly layers: LayerRef[] = [];
  private readonly layerIds = new Map<LayerRef, number>();
  /** Captured bodies stay in memory (the body store bounds them); their nodes carry a flag so deletes find them. */
  private readonly bodies = new Map<number, Body>();
  private readonly sql;

  constructor(rootLayer: LayerRef) {
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma(`cache_size = -${CACHE_KIB}`);
    this.db.exec(`CREATE TABLE nodes (
      id INTEGER PRIMARY KEY, parent INTEGER NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL, mode INTEGER NOT NULL,
      size INTEGER NOT NULL, uid INTEGER, gid INTEGER, layer INTEGER NOT NULL, link TEXT, body INTEGER NOT NULL DEFAULT 0);
      CREATE UNIQUE INDEX by_name ON nodes (parent, name);`);
    this.sql = {
      insert: this.db.prepare('INSERT INTO nodes (id, parent, name, kind, mode, size, uid, gid, layer, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      update: this.db.prepare('UPDATE nodes SET kind = ?, mode = ?, size = ?, uid = ?, gid = ?, layer = ?, link = ? WHERE id = ?'),
      child: this.db.prepare('SELECT id FROM nodes WHERE parent = ? AND name = ?').pluck(),
      row: this.db.prepare(`SELECT ${COLUMNS} FROM nodes WHERE id = ?`),
      kind: this.db.prepare('SELECT kind FROM nodes WHERE id = ?').pluck(),
      up: this.db.prepare('SELECT parent, name FROM nodes WHERE id = ?'),
      page: this.db.prepare(`SELECT ${COLUMNS} FROM nodes WHERE parent = ? AND name > ? ORDER BY name LIMIT ${PAGE}`),
      symlinks: this.db.prepare(`SELECT id FROM nodes WHERE kind = ${SYMLINK} AND id > ? ORDER BY id LIMIT ${PAGE}`).pluck(),
      markBody: this.db.prepare('UPDATE nodes SET body = 1 WHERE id = ?'),
      bodiesBelow: this.db.prepare(`${SUBTREE} SELECT n.id FROM nodes n JOIN sub USING (id) WHERE n.body = 1 AND n.id != ?`).pluck(),
      deleteBelow: this.db.prepare(`${SUBTREE} DELETE FROM nodes WHERE id IN (SELECT id FROM sub) AND id != ?`),
      deleteNode: this.db.prepare('DELETE FROM nodes WHERE id = ?'),
    };
    // One transaction for the table's life: nothing else sees this database, and nothing is rolled back.
    this.db.exec('BEGIN');
    this.add(-1, '', { type: 'dir', mode: 0o755, size: 0 }, rootLayer);
  }

  /** A new node named `name` in the directory `parent`. */
  add(parent: number, name: string, meta: FileMeta, layer: LayerRef): number {
    const id = this.nextId++;
    this.sql.insert.run(id, parent, name, TYPES.indexOf(meta.type), meta.mode, meta.size, meta.uid ?? null, meta.gid ?? null, this.layerId(layer), meta.linkTarget ?? null);
    return id;
  }

  /** Gives a node new metadata; a directory keeps its children. */
  set(id: number, meta: FileMeta, layer: LayerRef): void {
    this.sql.update.run(TYPES.indexOf(meta.type), meta.mode, meta.size, meta.uid ?? null, meta.gid ?? null, this.layerId(layer), meta.linkTarget ?? null, id);
  }

  /** Puts a different node in the place of `id`: what it held (children, body) is forgotten. */
  replace(id: number, meta: FileMeta, layer: LayerRef): number {
    this.forgetBelow(id);
    this.bodies.delete(id);
    this.set(id, meta, layer);
    return id;
  }

  /** Deletes `name` (and everything below it) from the directory `parent`. */
  remove(parent: number, name: string): void {
    const id = this.child(parent, name);
    if (id === undefined) return;
    this.forgetBelow(id);
    this.bodies.delete(id);
    this.sql.deleteNode.run(id);
  }

  /** Empties a directory (an opaque marker hides what lower layers put in it). */
  empty(id: number): void {
    this.forgetBelow(id);
  }

  /** Deletes everything below a node and drops the bodies they held, so nothing unreachable keeps one alive. */
  private forgetBelow(id: number): void {
    if (this.kind(id) !== DIR) return;
    if (this.bodies.size > 0) for (const node of this.sql.bodiesBelow.all(id, id) as number[]) this.bodies.delete(node);
    this.sql.deleteBelow.run(id, id);
  }

  private kind(id: number): number {
    return this.sql.kind.get(id) as number;
  }

  type(id: number): FileType {
    return TYPES[this.kind(id)] as FileType;
  }

  isDir(id: number): boolean {
    return this.kind(id) === DIR;
  }

  child(parent: number, name: string): number | undefined {
    return this.sql.child.get(parent, name) as number | undefined;
  }

  /** A directory's children sorted by name (byte order), read a page at a time. */
  *children(id: number): IterableIterator<NodeRow> {
    let after = '';
    for (;;) {
      const rows = this.sql.page.all(id, after) as NodeRow[];
      yield* rows;
      if (rows.length < PAGE) return;
      after = (rows.at(-1) as NodeRow).name;
    }
  }

  /** Every symlink, read a page at a time. */
  *symlinks(): IterableIterator<number> {
    let after = -1;
    for (;;) {
      const ids = this.sql.symlinks.all(after) as number[];
      yield* ids;
      if (ids.length < PAGE) return;
      after = ids.at(-1) as number;
    }
  }

  linkTarget(id: number): string | undefined {
    return (this.sql.row.get(id) as NodeRow | undefined)?.link ?? undefined;
  }

  body(id: number): Body | undefined {
    return this.bodies.get(id);
  }

  setBody(id: number, body: Body): void {
    this.bodies.set(id, body);
    this.sql.markBody.run(id);
  }

  /** Every node that holds a body. */
  withBodies(): IterableIterator<[number, Body]> {
    return this.bodies.entries();
  }

  /** Its path from the root, built from the names of its parents. */
  path(id: number): string {
    const parts: string[] = [];
    for (let node = id; node > ROOT; ) {
      const { parent, name } = this.sql.up.get(node) as { parent: number; name: string };
      parts.push(name);
      node = parent;
    }
    return parts.reverse().join('/');
  }

  /** Mode, size and owner: what a hard link shares with its target. */
  meta(id: number): Pick<FileMeta, 'mode' | 'size' | 'uid' | 'gid'> {
    return metaOf(this.sql.row.get(id) as NodeRow);
  }

  /** The node as the ImageFilesystem interface gives it, `path` being where it is. */
  file(id: number, path = this.path(id)): IndexedFile {
    return this.fileOf(this.sql.row.get(id) as NodeRow, path);
  }

  /** A row (from {@link children}) as the ImageFilesystem interface gives it. */
  fileOf(row: NodeRow, path: string): IndexedFile {
    const layer = this.layers[row.layer] as LayerRef;
    return { path, type: typeOf(row), ...metaOf(row), ...(row.link !== null ? { linkTarget: row.link } : {}), layer };
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
  return { mode: row.mode, size: row.size, ...(row.uid !== null ? { uid: row.uid } : {}), ...(row.gid !== null ? { gid: row.gid } : {}) };
}
