import { Command, Option } from 'commander';
import { dbSettings } from '../../config.js';
import { newToken, parseScopes } from '../../server/auth.js';
import { defaultDataDir, startServer } from '../../server/serve.js';
import { SETTINGS, databaseSetting, envName, resolveSettings, serverOptions, type SettingSpec } from '../../server/settings.js';
import { openStore } from '../../server/sql-store.js';
import { resolveDbDir } from '../../vulndb/index.js';

const repeatable = (v: string, all: string[] = []): string[] => [...all, v];

function tokenCommand(): Command {
  const token = new Command('token').description('API tokens');
  token
    .command('create')
    .description('create an API token and print it once (only its hash is stored)')
    .option('--data-dir <dir>', 'the server data directory, as the server is given it (flag, PLIMSOLL_SERVER_DATA_DIR, --config file; default $XDG_DATA_HOME/plimsoll/server)')
    .option('--database <url>', "the server's PostgreSQL database (postgres://...), when it uses one, as the server is given it (flag, PLIMSOLL_SERVER_DATABASE, --config file)")
    .option('--project <name>', 'the project (tenant) the token belongs to; created if new. Required for submit, read and admission')
    .requiredOption('--scope <list>', 'submit, read, admission, admin (comma-separated); admission is for the Kubernetes API server (the deployment gate); admin reaches the server-wide /admin endpoints')
    .option('--description <text>', 'what the token is for')
    .action(async (_opts: unknown, command: Command) => {
      // With the globals: commander gives `--data-dir` and `--database` to `server`, which has the same options, wherever they are written.
      const opts = command.optsWithGlobals<{ project?: string; scope: string; description?: string }>();
      const settings = resolveSettings(opts);
      const database = databaseSetting(settings);
      const dataDir = settings.get('data-dir')?.value as string | undefined;
      const { token: text, record } = newToken({ ...(opts.project ? { project: opts.project } : {}), scopes: parseScopes(opts.scope), ...(opts.description ? { description: opts.description } : {}) });
      const store = await openStore(database ? { database } : { dataDir: dataDir ?? defaultDataDir() });
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

/** A setting as a commander option: no default here, so a flag not given falls through to the environment and the file. */
export function option(spec: SettingSpec): Option {
  const flags = `--${spec.name}${spec.kind === 'boolean' ? '' : ` ${spec.argument ?? '<value>'}`}`;
  const where = [`env ${envName(spec.name)}`, ...(spec.default !== undefined ? [`default ${spec.default}`] : [])].join('; ');
  const option = new Option(flags, `${spec.description} [${where}]`);
  if (spec.kind === 'list') option.argParser(repeatable);
  if (spec.choices) option.choices(spec.choices);
  return option;
}

export function serverCommand(): Command {
  const server = new Command('server')
    .description(
      'run the Plimsoll server: clients submit SBOMs, the server matches them against its own database, stores them, and re-evaluates them after each database update. Every setting is a flag, an environment variable PLIMSOLL_SERVER_<NAME> and a key <name> of the --config YAML file; a flag wins over the environment, the environment over the file, the file over the default',
    )
    .addOption(new Option('--config <file>', 'read settings from this YAML file (keys: the flag names without --) [env PLIMSOLL_SERVER_CONFIG]'));
  for (const spec of SETTINGS) server.addOption(option(spec));
  server.action(async (flags: Record<string, unknown>) => {
      const settings = serverOptions(resolveSettings(flags));
      const { dbDir, mirror, sources } = dbSettings({ ...settings.db });
      const running = await startServer({
        ...settings,
        db: { dbDir: resolveDbDir(dbDir), ...(mirror ? { mirror } : {}), sources, offline: settings.db.offline },
      });
      process.stderr.write(`plimsoll: server listening on ${running.url}\n`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          process.stderr.write('plimsoll: stopping (in-flight requests finish, running jobs go back to the queue)\n');
          void running.close().then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  server.addCommand(tokenCommand());
  return server;
}
