// `plimsoll server`, assembled: the store, the server's vulnerability database, the job queue, the
// webhooks and the HTTP API; a first database build when there is none, then one every interval.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { InputError, errorMessage } from '../errors.js';
import type { AdmissionPolicies } from './admission/policy.js';
import { buildApp, type ServerContext } from './app.js';
import { JobQueue, queueDbUpdate } from './jobs.js';
import { ServerDatabase, type DatabaseSettings } from './matcher.js';
import { createMetrics } from './metrics.js';
import type { RegistryConfig } from './registry/config.js';
import { scheduleRescans } from './registry/queue.js';
import { SqliteStore } from './sqlite-store.js';
import { webhookNotifier, type WebhookTarget } from './webhook.js';

export interface ServerOptions {
  dataDir: string;
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
  close(): Promise<void>;
}

export function defaultDataDir(): string {
  return join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'plimsoll', 'server');
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const https = httpsOptions(options.tls);
  const store = SqliteStore.open(resolve(options.dataDir));
  // Read at scrape time, when both exist.
  const metrics = createMetrics({ jobs: () => jobs, dbBuiltAt: () => database.builtAt });
  const database = new ServerDatabase(options.db, metrics.observeMatch);
  database.reload();
  let log: (message: string) => void = () => undefined;
  const jobs = new JobQueue((job) => {
    metrics.jobFailed(job);
    log(`job ${job.kind} ${job.id} failed: ${job.error ?? ''}`);
  });
  const ctx: ServerContext = { store, database, jobs, notify: webhookNotifier(options.webhooks, (m) => log(m)), registries: options.registries ?? [], metrics };
  const app = await buildApp(ctx, {
    logger: options.logLevel === 'silent' ? false : { level: options.logLevel },
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
    ...(https ? { https } : {}),
    ...(options.admissionPolicies ? { admissionPolicies: options.admissionPolicies } : {}),
  });
  log = (message) => app.log.warn(message);
  if (!database.ready) queueDbUpdate(ctx);
  const timer = options.dbUpdateIntervalMs > 0 ? setInterval(() => queueDbUpdate(ctx), options.dbUpdateIntervalMs) : undefined;
  const stopRescans = scheduleRescans(ctx);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    clearInterval(timer);
    stopRescans();
    await app.close();
    database.close();
    await store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `${https ? 'https' : 'http'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    app,
    ctx,
    close: async () => {
      clearInterval(timer);
      stopRescans();
      await app.close();
      await jobs.idle();
      database.close();
      await store.close();
    },
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
