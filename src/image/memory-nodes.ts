// The index's nodes as typed columns in memory, not one object per file: a few dozen bytes per node (its
// name, one map slot in its directory, the columns), and every lookup a map read instead of a query.
import type { Body } from './body-store.js';
import { walkOrder } from './paths.js';
import { DIR, ROOT, SYMLINK, type NodeFields, type NodeRow, type NodeStore } from './node-store.js';

/** The kind of a deleted node's row (ids are never reused, so its row stays behind). */
const DEAD = 0xff;
/** Stands for an owner the entry did not give (directories the merge creates). */
const NO_OWNER = -1;

function grown<T extends Uint8Array | Int32Array | Float64Array>(column: T, length: number): T {
  const next = new (column.constructor as new (n: number) => T)(length);
  next.set(column);
  return next;
}

export class MemoryNodes implements NodeStore {
  private rows = 0;
  private parents = new Int32Array(1024);
  private kinds = new Uint8Array(1024);
  private modes = new Float64Array(1024);
  private sizes = new Float64Array(1024);
  private uids = new Float64Array(1024);
  private gids = new Float64Array(1024);
  private layers = new Int32Array(1024);
  private readonly names: string[] = [];
  // Optional fields live beside the columns, only for the rows that have them.
  private readonly links = new Map<number, string>();
  private readonly dirs = new Map<number, Map<string, number>>();

  /** A node with a new id (ids are never reused): nothing of an earlier node is there to clear. */
  insert(id: number, parent: number, name: string, fields: NodeFields): void {
    while (id >= this.parents.length) this.grow();
    this.rows = Math.max(this.rows, id + 1);
    this.parents[id] = parent;
    this.names[id] = name;
    this.setColumns(id, fields);
    if (fields.link !== null) this.links.set(id, fields.link);
    if (fields.kind === DIR) this.dirs.set(id, new Map());
    this.dirs.get(parent)?.set(name, id);
  }

  update(id: number, f: NodeFields): void {
    this.setColumns(id, f);
    if (f.link === null) this.links.delete(id);
    else this.links.set(id, f.link);
    if (f.kind !== DIR) this.dirs.delete(id);
    else if (!this.dirs.has(id)) this.dirs.set(id, new Map());
  }

  private setColumns(id: number, f: NodeFields): void {
    this.kinds[id] = f.kind;
    this.modes[id] = f.mode;
    this.sizes[id] = f.size;
    this.uids[id] = f.uid ?? NO_OWNER;
    this.gids[id] = f.gid ?? NO_OWNER;
    this.layers[id] = f.layer;
  }

  child(parent: number, name: string): number | undefined {
    return this.dirs.get(parent)?.get(name);
  }

  kind(id: number): number {
    return this.kinds[id] as number;
  }

  row(id: number): NodeRow {
    const uid = this.uids[id] as number;
    const gid = this.gids[id] as number;
    return {
      id,
      name: this.names[id] as string,
      kind: this.kinds[id] as number,
      mode: this.modes[id] as number,
      size: this.sizes[id] as number,
      uid: uid === NO_OWNER ? null : uid,
      gid: gid === NO_OWNER ? null : gid,
      layer: this.layers[id] as number,
      link: this.links.get(id) ?? null,
    };
  }

  up(id: number): { parent: number; name: string } {
    return { parent: this.parents[id] as number, name: this.names[id] as string };
  }

  *children(id: number): IterableIterator<NodeRow> {
    const children = this.dirs.get(id);
    if (!children) return;
    for (const name of [...children.keys()].sort(walkOrder)) {
      const child = children.get(name);
      if (child !== undefined) yield this.row(child);
    }
  }

  *symlinks(): IterableIterator<number> {
    for (let id = 0; id < this.rows; id++) if (this.kinds[id] === SYMLINK) yield id;
  }

  withMode(keep: (kind: number, mode: number) => boolean): number[] {
    const ids: number[] = [];
    for (let id = ROOT + 1; id < this.rows; id++) {
      const kind = this.kinds[id] as number;
      if (kind !== DEAD && keep(kind, this.modes[id] as number)) ids.push(id);
    }
    return ids;
  }

  /** Nothing to note: a delete walks the subtree and finds the bodies itself. */
  markBody(): void {}

  forgetBelow(id: number, bodies: Map<number, Body>): void {
    const children = this.dirs.get(id);
    if (!children) return;
    const stack = [...children.values()];
    children.clear();
    while (stack.length > 0) {
      const node = stack.pop() as number;
      // One push per child: spreading a directory of 125,000 entries overflows the call stack.
      for (const child of this.dirs.get(node)?.values() ?? []) stack.push(child);
      this.forgetNode(node, bodies);
    }
  }

  removeNode(parent: number, name: string, id: number): void {
    this.dirs.get(parent)?.delete(name);
    this.forgetNode(id);
  }

  private forgetNode(id: number, bodies?: Map<number, Body>): void {
    this.kinds[id] = DEAD;
    this.dirs.delete(id);
    this.links.delete(id);
    bodies?.delete(id);
  }

  /** Every live node in id order (a parent before its children), as a copy into another store needs. */
  *live(): IterableIterator<{ parent: number; row: NodeRow }> {
    for (let id = 0; id < this.rows; id++) if (this.kinds[id] !== DEAD) yield { parent: this.parents[id] as number, row: this.row(id) };
  }

  private grow(): void {
    const length = this.parents.length * 2;
    this.parents = grown(this.parents, length);
    this.kinds = grown(this.kinds, length);
    this.modes = grown(this.modes, length);
    this.sizes = grown(this.sizes, length);
    this.uids = grown(this.uids, length);
    this.gids = grown(this.gids, length);
    this.layers = grown(this.layers, length);
  }
}
