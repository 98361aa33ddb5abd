// The embedded store: one SQLite file under --data-dir, so `plimsoll server` needs no setup.
// better-sqlite3 is synchronous and has one connection, so a transaction that awaits between its
// statements must not let another caller's statement in: every call waits its turn.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlDatabase, SqlExecutor, SqlParam } from './sql.js';

export const STORE_FILE = 'plimsoll-server.db';

class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, Database.Statement>();
  private turn: Promise<unknown> = Promise.resolve();
  /** Runs statements directly: for a transaction that already holds the turn. */
  private readonly direct: SqlExecutor = {
    all: async <T>(sql: string, params: readonly SqlParam[] = []) => this.statement(sql).all(...params) as T[],
    get: async <T>(sql: string, params: readonly SqlParam[] = []) => this.statement(sql).get(...params) as T | undefined,
    run: async (sql: string, params: readonly SqlParam[] = []) => {
      this.statement(sql).run(...params);
    },
  };

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      // DDL runs once (migrations): not worth keeping.
      if (!/^\s*(CREATE|DROP|ALTER)\b/i.test(sql)) this.statements.set(sql, statement);
    }
    return statement;
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  all<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
    return this.inTurn(() => this.direct.all<T>(sql, params));
  }

  get<T>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined> {
    return this.inTurn(() => this.direct.get<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlParam[]): Promise<void> {
    return this.inTurn(() => this.direct.run(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.direct);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  async lockMigrations(): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's write lock.
  }

  async close(): Promise<void> {
    await this.inTurn(async () => this.db.close());
  }
}

/** Opens (creating) `<dataDir>/plimsoll-server.db`. */
export function openSqlite(dataDir: string): SqlDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, STORE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return new SqliteDatabase(db);
}
