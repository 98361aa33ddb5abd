import { Command, Option } from 'commander';
import { dbSettings } from '../../config.js';
import { InputError } from '../../errors.js';
import { loadAdmissionPolicies } from '../../server/admission/policy.js';
import { newToken, parseScopes } from '../../server/auth.js';
import { defaultDataDir, parseInterval, startServer } from '../../server/serve.js';
import { SqliteStore } from '../../server/sqlite-store.js';
import { resolveDbDir } from '../../vulndb/index.js';

interface ServeOptions {
  listen: string;
  port: string;
  dataDir?: string;
  dbDir?: string;
  mirror?: string;
  source?: string[];
  offline?: boolean;
  dbUpdateInterval: string;
  webhook?: string[];
  slackWebhook?: string[];
  logLevel: 'info' | 'warn' | 'error' | 'silent';
  tlsCert?: string;
  tlsKey?: string;
  admissionPolicies?: string;
}

const repeatable = (v: string, all: string[] = []): string[] => [...all, v];

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

function tokenCommand(): Command {
  const token = new Command('token').description('API tokens');
  token
    .command('create')
    .description('create an API token and print it once (only its hash is stored)')
    .option('--data-dir <dir>', 'the server data directory (default $XDG_DATA_HOME/plimsoll/server)')
    .option('--project <name>', 'the project (tenant) the token belongs to; created if new. Required for submit, read and admission')
    .requiredOption('--scope <list>', 'submit, read, admission, admin (comma-separated); admission is for the Kubernetes API server (the deployment gate); admin reaches the server-wide /admin endpoints')
    .option('--description <text>', 'what the token is for')
    .action(async (_opts: unknown, command: Command) => {
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
    });
  for (const sub of token.commands) sub.exitOverride();
  return token;
}

export function serverCommand(): Command {
  const server = new Command('server')
    .description('run the Plimsoll server: clients submit SBOMs, the server matches them against its own database, stores them, and re-evaluates them after each database update')
    .option('--listen <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0: any free one)', '8080')
    .option('--data-dir <dir>', 'where the server keeps its SQLite store (default $XDG_DATA_HOME/plimsoll/server)')
    .option('--db-dir <dir>', "the server's vulnerability database directory (default ~/.cache/plimsoll/db); built at start when missing")
    .option('--mirror <dir|url>', 'read the feeds from a mirror laid out like ../shared/vulndata (or PLIMSOLL_DB_MIRROR)')
    .option('--source <source>', 'also read a private feed: osv-dir:PATH; repeatable', repeatable)
    .option('--offline', 'never download feeds (use a directory --mirror, or a database already in --db-dir)')
    .option('--db-update-interval <interval>', 'rebuild the database this often (30m, 6h, 1d; 0: never), then match every stored image again', '1d')
    .option('--webhook <url>', 'POST finding events here as JSON { "events": [...] }; repeatable', repeatable)
    .option('--slack-webhook <url>', 'POST finding events here in Slack incoming-webhook format { "text": ... }; repeatable', repeatable)
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); needs --tls-key. The Kubernetes API server calls admission webhooks only over HTTPS')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--admission-policies <file>', 'named policies of the Kubernetes admission gate, POST /api/v1/projects/P/admission/NAME (YAML or JSON; docs/server.md)')
    .addOption(new Option('--log-level <level>', 'request and job log on stdout').choices(['info', 'warn', 'error', 'silent']).default('info'))
    .action(async (opts: ServeOptions) => {
      if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new InputError('--tls-cert and --tls-key go together');
      const { dbDir, mirror, sources } = dbSettings(opts);
      const running = await startServer({
        dataDir: opts.dataDir ?? defaultDataDir(),
        db: { dbDir: resolveDbDir(dbDir), ...(mirror ? { mirror } : {}), sources, offline: opts.offline === true },
        host: opts.listen,
        port: port(opts.port),
        dbUpdateIntervalMs: parseInterval(opts.dbUpdateInterval, '--db-update-interval'),
        webhooks: [...(opts.webhook ?? []).map((url) => ({ url: webhookUrl(url), format: 'json' as const })), ...(opts.slackWebhook ?? []).map((url) => ({ url: webhookUrl(url), format: 'slack' as const }))],
        logLevel: opts.logLevel,
        ...(opts.tlsCert && opts.tlsKey ? { tls: { cert: opts.tlsCert, key: opts.tlsKey } } : {}),
        ...(opts.admissionPolicies ? { admissionPolicies: loadAdmissionPolicies(opts.admissionPolicies) } : {}),
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
    });
  server.addCommand(tokenCommand());
  return server;
}
