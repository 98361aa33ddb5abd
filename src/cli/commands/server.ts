import { Command, Option } from 'commander';

export interface ServeOptions {
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
}

const repeatable = (v: string, all: string[] = []): string[] => [...all, v];

function tokenCommand(): Command {
  const token = new Command('token').description('API tokens');
  token
    .command('create')
    .description('create an API token and print it once (only its hash is stored)')
    .option('--data-dir <dir>', 'the server data directory (default $XDG_DATA_HOME/plimsoll/server)')
    .option('--project <name>', 'the project (tenant) the token belongs to; created if new. Required for submit and read')
    .requiredOption('--scope <list>', 'submit, read, admin (comma-separated); admin reaches the server-wide /admin endpoints')
    .option('--description <text>', 'what the token is for')
    .action(async (_opts: unknown, command: Command) => (await import('../actions/server.js')).createToken(command));
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
    .addOption(new Option('--log-level <level>', 'request and job log on stdout').choices(['info', 'warn', 'error', 'silent']).default('info'))
    .action(async (opts: ServeOptions) => (await import('../actions/server.js')).runServer(opts));
  server.addCommand(tokenCommand());
  return server;
}
