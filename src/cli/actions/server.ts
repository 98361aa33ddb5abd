import type { Command } from 'commander';
import { dbSettings } from '../../config.js';
import { InputError } from '../../errors.js';
import { newToken, parseScopes } from '../../server/auth.js';
import { defaultDataDir, parseInterval, startServer } from '../../server/serve.js';
import { SqliteStore } from '../../server/sqlite-store.js';
import { resolveDbDir } from '../../vulndb/index.js';
import type { ServeOptions } from '../commands/server.js';

function webhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`--webhook: not a URL: "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--webhook: ${text}: only http and https are delivered to`);
  return text;
}

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InputError(`--port: not a port number: "${text}"`);
  return n;
}

/** `plimsoll server token create`. */
export async function createToken(command: Command): Promise<void> {
  // With the globals: commander gives `--data-dir` to `server`, which has the same option, wherever it is written.
  const opts = command.optsWithGlobals<{ dataDir?: string; project?: string; scope: string; description?: string }>();
  const { token: text, record } = newToken({ ...(opts.project ? { project: opts.project } : {}), scopes: parseScopes(opts.scope), ...(opts.description ? { description: opts.description } : {}) });
  const store = SqliteStore.open(opts.dataDir ?? defaultDataDir());
  try {
    if (record.project) await store.ensureProject(record.project, record.createdAt);
    await store.createToken(record);
  } finally {
    await store.close();
  }
  process.stdout.write(`${text}\n`);
}

/** `plimsoll server`: runs until SIGINT or SIGTERM, then finishes the running job. */
export async function runServer(opts: ServeOptions): Promise<void> {
  const { dbDir, mirror, sources } = dbSettings(opts);
  const running = await startServer({
    dataDir: opts.dataDir ?? defaultDataDir(),
    db: { dbDir: resolveDbDir(dbDir), ...(mirror ? { mirror } : {}), sources, offline: opts.offline === true },
    host: opts.listen,
    port: port(opts.port),
    dbUpdateIntervalMs: parseInterval(opts.dbUpdateInterval, '--db-update-interval'),
    webhooks: [...(opts.webhook ?? []).map((url) => ({ url: webhookUrl(url), format: 'json' as const })), ...(opts.slackWebhook ?? []).map((url) => ({ url: webhookUrl(url), format: 'slack' as const }))],
    logLevel: opts.logLevel,
  });
  process.stderr.write(`plimsoll: server listening on ${running.url}\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.stderr.write('plimsoll: stopping (finishing the running job)\n');
      void running.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
