// What the merged view's index keeps per node, and the operations both of its storages (typed columns in
// memory, rows of a temporary SQLite database) give: ids, names and byte-order walks are the same in both.
import type { Body } from './body-store.js';
import type { FileType } from './files.js';

export const TYPES: readonly FileType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
export const DIR = TYPES.indexOf('dir');
export const SYMLINK = TYPES.indexOf('symlink');
export const ROOT = 0;

/** A node's stored fields: its kind as an index in {@link TYPES}, its layer as an index in the table's layers. */
export interface NodeFields {
  kind: number;
  mode: number;
  size: number;
  uid: number | null;
  gid: number | null;
  layer: number;
  link: string | null;
}

/** One node as stored. */
export interface NodeRow extends NodeFields {
  id: number;
  name: string;
}

export interface NodeStore {
  insert(id: number, parent: number, name: string, fields: NodeFields): void;
  update(id: number, fields: NodeFields): void;
  child(parent: number, name: string): number | undefined;
  kind(id: number): number;
  row(id: number): NodeRow;
  /** Its parent and its name, to build its path. */
  up(id: number): { parent: number; name: string };
  /** A directory's children sorted by name in UTF-8 byte order (SQLite's BINARY collation). */
  children(id: number): IterableIterator<NodeRow>;
  /** Every live symlink, by id. */
  symlinks(): IterableIterator<number>;
  /** Every live node but the root whose kind and mode `keep` accepts, by id (read from the columns: no row is made). */
  withMode(keep: (kind: number, mode: number) => boolean): number[];
  /** Notes that a node holds a body (kept in the table's map), so a delete above it finds it. */
  markBody(id: number): void;
  /** Deletes everything below a directory, dropping their bodies from `bodies`. */
  forgetBelow(id: number, bodies: Map<number, Body>): void;
  /** Deletes one node (what was below it already forgotten). */
  removeNode(parent: number, name: string, id: number): void;
}
