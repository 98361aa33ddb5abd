import { Command, Option } from 'commander';
import { SETTINGS, envName, type SettingSpec } from '../../server/setting-specs.js';

const repeatable = (v: string, all: string[] = []): string[] => [...all, v];

function tokenCommand(): Command {
  const token = new Command('token').description('API tokens');
  token
    .command('create')
    .description('create an API token and print it once (only its hash is stored)')
    .option(
      '--data-dir <dir>',
      'the server data directory, as the server is given it (flag, PLIMSOLL_SERVER_DATA_DIR, --config file; default $XDG_DATA_HOME/plimsoll/server)',
    )
    .option(
      '--database <url>',
      "the server's PostgreSQL database (postgres://...), when it uses one, as the server is given it (flag, PLIMSOLL_SERVER_DATABASE, --config file)",
    )
    .option('--project <name>', 'the project (tenant) the token belongs to; created if new. Required for submit, read and admission')
    .requiredOption(
      '--scope <list>',
      'submit, read, admission, admin (comma-separated); admission is for the Kubernetes API server (the deployment gate); admin reaches the server-wide /admin endpoints',
    )
    .option('--description <text>', 'what the token is for')
    .action(async (_opts: unknown, command: Command) => (await import('../actions/server.js')).createToken(command));
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
  server.action(async (flags: Record<string, unknown>) => (await import('../actions/server.js')).runServer(flags));
  server.addCommand(tokenCommand());
  return server;
}
