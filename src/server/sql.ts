// The one place where SQLite and PostgreSQL differ for the server's store: each driver takes the
// same SQL (`?` placeholders, the portable subset migrations.ts describes) and answers with plain rows.
// The drivers: sqlite-store.ts (better-sqlite3) and postgres-store.ts (pg).

export type SqlParam = string | number | null;

/** Runs statements: on the whole database, or inside one transaction. */
export interface SqlExecutor {
  all<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlParam[]): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: waits until no other process is migrating, so servers and workers that
   * start together apply each migration once. (SQLite's write transaction already excludes them.)
   */
  lockMigrations(tx: SqlExecutor): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store cannot be reached right now (PostgreSQL restarting, the connection refused or dropped):
 * the request may be retried, so the API answers 503 with Retry-After rather than 500.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(`the store is unavailable: ${message}`);
    this.name = 'StoreUnavailableError';
  }
}

/** Seconds a client is told to wait (Retry-After) when the store is unavailable. */
export const STORE_RETRY_AFTER_SECONDS = 2;

/** Rows written by one multi-row INSERT: well under SQLite's 32,766 parameters and PostgreSQL's 65,535. */
export const INSERT_BATCH = 200;

/** `INSERT ... VALUES (?, ?), (?, ?)` for `rows` rows of `columns` values each. */
export function valuesList(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}
