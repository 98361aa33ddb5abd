// The index's nodes as rows of an anonymous temporary SQLite database: SQLite keeps the pages in a
// bounded cache and spills the rest to a temp file it deletes itself, so an image of two million entries
// costs the same memory as one of two thousand.
import type { Body } from './body-store.js';
import { sqlite } from '../lazy-require.js';
import { DIR, ROOT, SYMLINK, type NodeFields, type NodeRow, type NodeStore } from './node-store.js';

/** Pages SQLite keeps in memory (KiB, as its negative cache_size): the rest of a large index is on disk. */
const CACHE_KIB = 8 * 1024;
/** Children read per query when a directory is walked (keyset pages: nothing is held across a yield). */
const PAGE = 512;
const COLUMNS = 'id, name, kind, mode, size, uid, gid, layer, link';
/** Every node below `?` (itself included), for deletes. */
const SUBTREE = 'WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT n.id FROM nodes n JOIN sub ON n.parent = sub.id)';

export class SqliteNodes implements NodeStore {
  private readonly db = new (sqlite())('');
  private readonly sql;

  constructor() {
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
      modes: this.db.prepare(`SELECT id, kind, mode FROM nodes WHERE id > ? ORDER BY id LIMIT ${PAGE}`).raw(),
      markBody: this.db.prepare('UPDATE nodes SET body = 1 WHERE id = ?'),
      bodiesBelow: this.db.prepare(`${SUBTREE} SELECT n.id FROM nodes n JOIN sub USING (id) WHERE n.body = 1 AND n.id != ?`).pluck(),
      deleteBelow: this.db.prepare(`${SUBTREE} DELETE FROM nodes WHERE id IN (SELECT id FROM sub) AND id != ?`),
      deleteNode: this.db.prepare('DELETE FROM nodes WHERE id = ?'),
    };
    // One transaction for the database's life: nothing else sees it, and nothing is rolled back.
    this.db.exec('BEGIN');
  }

  insert(id: number, parent: number, name: string, f: NodeFields): void {
    this.sql.insert.run(id, parent, name, f.kind, f.mode, f.size, f.uid, f.gid, f.layer, f.link);
  }

  update(id: number, f: NodeFields): void {
    this.sql.update.run(f.kind, f.mode, f.size, f.uid, f.gid, f.layer, f.link, id);
  }

  child(parent: number, name: string): number | undefined {
    return this.sql.child.get(parent, name) as number | undefined;
  }

  kind(id: number): number {
    return this.sql.kind.get(id) as number;
  }

  row(id: number): NodeRow {
    return this.sql.row.get(id) as NodeRow;
  }

  up(id: number): { parent: number; name: string } {
    return this.sql.up.get(id) as { parent: number; name: string };
  }

  *children(id: number): IterableIterator<NodeRow> {
    let after = '';
    for (;;) {
      const rows = this.sql.page.all(id, after) as NodeRow[];
      yield* rows;
      if (rows.length < PAGE) return;
      after = (rows.at(-1) as NodeRow).name;
    }
  }

  *symlinks(): IterableIterator<number> {
    let after = -1;
    for (;;) {
      const ids = this.sql.symlinks.all(after) as number[];
      yield* ids;
      if (ids.length < PAGE) return;
      after = ids.at(-1) as number;
    }
  }

  withMode(keep: (kind: number, mode: number) => boolean): number[] {
    const ids: number[] = [];
    let after = ROOT;
    for (;;) {
      const rows = this.sql.modes.all(after) as [number, number, number][];
      for (const [id, kind, mode] of rows) if (keep(kind, mode)) ids.push(id);
      if (rows.length < PAGE) return ids;
      after = (rows.at(-1) as [number, number, number])[0];
    }
  }

  markBody(id: number): void {
    this.sql.markBody.run(id);
  }

  forgetBelow(id: number, bodies: Map<number, Body>): void {
    if (this.kind(id) !== DIR) return;
    if (bodies.size > 0) for (const node of this.sql.bodiesBelow.all(id, id) as number[]) bodies.delete(node);
    this.sql.deleteBelow.run(id, id);
  }

  /** Frees the database and its temp file. Later calls do nothing. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  removeNode(_parent: number, _name: string, id: number): void {
    this.sql.deleteNode.run(id);
  }
}
