// `plimsoll server`, assembled: the store (SQLite or PostgreSQL), the server's vulnerability
// database, the job queue (in-process or pg-boss), the webhooks, the metrics, the registry rescans
// and the HTTP API; a first database build when there is none, then one every interval.
// `plimsoll worker` uses the same parts but the API.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { InputError, errorMessage } from '../errors.js';
import type { AdmissionPolicies } from './admission/policy.js';
import { buildApp, type ServerContext } from './app.js';
import { JOB_KINDS } from './job-kinds.js';
import type { JobContext, JobQueue } from './jobs.js';
import { ServerDatabase, type DatabaseSettings } from './matcher.js';
import { createMetrics } from './metrics.js';
import { PgBossQueue } from './pgboss-queue.js';
import { SqliteJobQueue } from './sqlite-queue.js';
import type { RegistryConfig } from './registry/config.js';
import { scheduleRescans } from './registry/queue.js';
import { openStore, type StoreLocation } from './sql-store.js';
import { webhookNotifier, type WebhookTarget } from './webhook.js';

export interface ServerOptions {
  dataDir: string;
  /** A postgres:// URL: the store and the job queue (pg-boss) in PostgreSQL; absent: SQLite in dataDir. */
  database?: string;
  /** Jobs of each kind this process runs at a time; 0 leaves them to `plimsoll worker` processes (PostgreSQL). */
  workers: number;
  db: DatabaseSettings;
  host: string;
  port: number;
  /** 0: never update on a schedule. */
  dbUpdateIntervalMs: number;
  webhooks: WebhookTarget[];
  registries?: RegistryConfig[];
  /** When set, GET /metrics asks for it. */
  metricsToken?: string;
  logLevel: 'info' | 'warn' | 'error' | 'silent';
  /** PEM files: serve HTTPS. */
  tls?: { cert: string; key: string };
  admissionPolicies?: AdmissionPolicies;
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InputError(`${flag} ${path}: ${errorMessage(err)}`);
  }
}

/** The certificate and key, read and checked before anything else starts. */
function httpsOptions(tls: ServerOptions['tls']): { cert: Buffer; key: Buffer } | undefined {
  if (!tls) return undefined;
  const options = { cert: readPem(tls.cert, '--tls-cert'), key: readPem(tls.key, '--tls-key') };
  try {
    createSecureContext(options);
  } catch (err) {
    throw new InputError(`--tls-cert ${tls.cert} / --tls-key ${tls.key}: ${errorMessage(err)}`);
  }
  return options;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  ctx: ServerContext;
  /** Graceful: no new requests, in-flight ones finish, running jobs go back to the queue; all within SHUTDOWN_MS. */
  close(): Promise<void>;
}

/**
 * How long a stop may take: in-flight requests finish and running jobs are handed back within it.
 * Under Kubernetes' default 30 s termination grace period, so the process exits before SIGKILL.
 */
export const SHUTDOWN_MS = 20_000;

export function defaultDataDir(): string {
  return join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'plimsoll', 'server');
}

/** What a process that runs jobs needs: the store, the vulnerability database, the queue, the webhooks, the registries and the metrics. */
export interface JobRunner {
  ctx: JobContext;
  /** Stops the queue (running jobs go back to it) within `deadlineMs`, then closes the rest. */
  close(deadlineMs: number): Promise<void>;
}

export async function openJobRunner(
  options: Pick<ServerOptions, 'database' | 'db' | 'webhooks' | 'registries'> & { dataDir?: string },
  log: (message: string) => void,
): Promise<JobRunner> {
  const location: StoreLocation = options.database ? { database: options.database } : { dataDir: resolve(options.dataDir ?? defaultDataDir()) };
  const store = await openStore(location, (err) => log(`store: ${err.message}`));
  // Read at scrape time, once the queue exists.
  const metrics = createMetrics({ jobs: () => jobs, dbBuiltAt: () => database.builtAt });
  const database = new ServerDatabase(options.db, metrics.observeMatch);
  database.reload();
  // The queue hands its jobs the context that holds it: read when a job runs, after both exist.
  const context = (): JobContext => ctx;
  let jobs: JobQueue;
  try {
    jobs = options.database ? await PgBossQueue.open(options.database, JOB_KINDS, context, log) : await SqliteJobQueue.open(store.db, JOB_KINDS, context, log);
  } catch (err) {
    database.close();
    await store.close();
    throw err;
  }
  const ctx: JobContext = { store, database, jobs, notify: webhookNotifier(options.webhooks, log), registries: options.registries ?? [], metrics };
  return {
    ctx,
    close: async (deadlineMs) => {
      await jobs.stop(deadlineMs);
      database.close();
      await store.close();
    },
  };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const https = httpsOptions(options.tls);
  let log: (message: string) => void = () => undefined;
  const runner = await openJobRunner(options, (message) => log(message));
  const { ctx } = runner;
  const app = await buildApp(ctx, {
    logger: options.logLevel === 'silent' ? false : { level: options.logLevel },
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
    ...(https ? { https } : {}),
    ...(options.admissionPolicies ? { admissionPolicies: options.admissionPolicies } : {}),
  });
  log = (message) => app.log.warn(message);
  await ctx.jobs.start(options.workers);
  if (!ctx.database.ready) await ctx.jobs.enqueue('db-update', {});
  const timer =
    options.dbUpdateIntervalMs > 0
      ? setInterval(
          () => void ctx.jobs.enqueue('db-update', {}).catch((err: Error) => log(`scheduled database update: ${err.message}`)),
          options.dbUpdateIntervalMs,
        )
      : undefined;
  const stopRescans = scheduleRescans(ctx, (message) => log(message));
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    clearInterval(timer);
    stopRescans();
    await app.close();
    await runner.close(0);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    url: `${https ? 'https' : 'http'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    app,
    ctx,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        stopRescans();
        // Requests still running at the deadline have their connections cut.
        const cut = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_MS);
        await Promise.all([app.close(), ctx.jobs.stop(SHUTDOWN_MS)]);
        clearTimeout(cut);
        await runner.close(0);
      })()),
  };
}

/** `30s`, `15m`, `6h`, `1d`, or `0` (never). */
export function parseInterval(text: string, flag: string): number {
  if (text.trim() === '0') return 0;
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'] : NaN;
  // setInterval cannot wait longer than 2^31-1 ms (about 24.8 days).
  if (!(ms > 0 && ms <= 2 ** 31 - 1)) throw new InputError(`${flag}: "${text}" is not an interval from 1s to 24d (30s, 15m, 6h, 1d) or 0 for never`);
  return ms;
}
