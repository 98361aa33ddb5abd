// The PostgreSQL driver (`--database postgres://...`): a pg connection pool behind the same SQL as
// SQLite. What differs is handled here: `?` placeholders become `$n`, 64-bit counts come back as
// numbers, migrations take an advisory lock, and a lost or refused connection becomes a
// StoreUnavailableError (the API answers 503 with Retry-After).
import pg from 'pg';
import { PlimsollError } from '../errors.js';
import { StoreUnavailableError, type SqlDatabase, type SqlExecutor, type SqlParam } from './sql.js';

/** Connections one process holds: the API's requests and its workers' jobs share them. */
const POOL_SIZE = 20;
/**
 * How long a statement waits for a connection: a new one, or one of the pool's when all are busy. Under
 * load the wait is for the pool (the process is busy matching), not an outage: an unreachable server
 * answers at once (connection refused), so only a silent network waits this long for its 503.
 */
const CONNECT_TIMEOUT_MS = 30_000;
/** Any fixed key: every Plimsoll process migrating the same database waits on it. */
const MIGRATION_LOCK = 0x706c6d73;

/** PostgreSQL's codes for a server shutting down, starting up, out of connections, or a connection lost. */
const UNAVAILABLE_CODES = /^(57P0[1-3]|08...|53300)$/;
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether an error from pg means the database cannot be reached now (retriable), not that the statement is wrong. */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.test(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(err.message);
}

function translate(err: unknown): unknown {
  return isUnavailable(err) ? new StoreUnavailableError((err as Error).message) : err;
}

/** `?` to `$1, $2, ...`, outside quoted text. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|\?/g, (m) => (m === '?' ? `$${++n}` : m));
}

const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  const all = async <T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> => {
    try {
      return (await client.query({ text: numberedPlaceholders(sql), values: [...params] })).rows as T[];
    } catch (err) {
      throw translate(err);
    }
  };
  return {
    all,
    get: async <T>(sql: string, params?: readonly SqlParam[]) => (await all<T>(sql, params))[0],
    run: async (sql: string, params?: readonly SqlParam[]) => {
      await all(sql, params);
    },
  };
}

class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  private readonly pooled: SqlExecutor;

  constructor(private readonly pool: pg.Pool) {
    this.pooled = executor(pool);
  }

  all<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
    return this.pooled.all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined> {
    return this.pooled.get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlParam[]): Promise<void> {
    return this.pooled.run(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((err: unknown) => {
      throw translate(err);
    });
    // The pool listens for errors of idle connections only: one lost while checked out fails its next statement instead.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    const tx = executor(client);
    let broken = false;
    try {
      await tx.run('BEGIN');
      const result = await work(tx);
      await tx.run('COMMIT');
      return result;
    } catch (err) {
      broken = err instanceof StoreUnavailableError;
      if (!broken) await tx.run('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.off('error', ignore);
      // A connection that failed is dropped from the pool rather than handed to the next caller.
      client.release(broken);
    }
  }

  async lockMigrations(tx: SqlExecutor): Promise<void> {
    await tx.run(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//.test(text);
}

/** A pool on `url`; the first connection is tried here, so a wrong URL or password fails at start with one line. */
export async function openPostgres(url: string, onIdleError: (err: Error) => void = () => undefined): Promise<SqlDatabase> {
  if (!isPostgresUrl(url)) throw new PlimsollError(`--database: "${url.slice(0, 60)}" is not a postgres:// URL`);
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types, application_name: 'plimsoll' });
  // An idle connection the server closes (a restart) is reported here; unhandled, it would end the process.
  pool.on('error', onIdleError);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new PlimsollError(`--database: cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return new PostgresDatabase(pool);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the given URL';
  }
}
