// The server's settings resolved (the table is setting-specs.ts): a value is taken from the first of
// flag, environment (PLIMSOLL_SERVER_NAME), --config file, default that gives one; a list is taken
// whole from that one source (in the environment its items are separated by `;`). A bad value is one
// InputError naming where it came from. serverOptions and jobRunnerOptions (also `plimsoll worker`'s)
// turn them into options.
import { readFileSync } from 'node:fs';
import { yaml } from '../lazy-require.js';
import { InputError, errorMessage } from '../errors.js';
import { loadAdmissionPolicies } from './admission/policy.js';
import { checkUniqueNames, parseRegistry } from './registry/config.js';
import { isPostgresUrl } from './postgres-store.js';
import { defaultDataDir, parseInterval, type ServerOptions } from './serve.js';
import { readSecretFile } from './secret-file.js';
import { LOG_LEVELS, SETTINGS, envName } from './setting-specs.js';
import type { WebhookTarget } from './webhook.js';

/** A list's items are strings, but for registries in the config file, which are mappings. */
type Raw = string | boolean | unknown[];

/** The YAML file's settings, each checked for its kind; keys are the flag names. */
function readConfigFile(file: string): Map<string, { value: Raw; where: string }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`--config ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (err) {
    throw new InputError(`--config ${file}: not valid YAML (${errorMessage(err).split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return new Map();
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(`--config ${file}: not a mapping of settings`);
  const values = new Map<string, { value: Raw; where: string }>();
  for (const [key, value] of Object.entries(doc)) {
    const spec = SETTINGS.find((s) => s.name === key);
    const where = `${file}: ${key}`;
    if (!spec) throw new InputError(`${file}: unknown setting "${key}" (known: ${SETTINGS.map((s) => s.name).join(', ')})`);
    if (spec.kind === 'list') {
      if (!Array.isArray(value)) throw new InputError(`${where}: expected a list`);
      if (key !== 'registry' && !value.every((v) => typeof v === 'string')) throw new InputError(`${where}: expected a list of strings`);
      values.set(key, { value, where });
    } else if (spec.kind === 'boolean') {
      if (typeof value !== 'boolean') throw new InputError(`${where}: expected true or false`);
      values.set(key, { value, where });
    } else {
      if (typeof value !== 'string' && typeof value !== 'number') throw new InputError(`${where}: expected a ${spec.kind}`);
      values.set(key, { value: String(value), where });
    }
  }
  return values;
}

/** The value of every setting and where it came from: flag, environment, file, or default. */
export function resolveSettings(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Map<string, { value: Raw; where: string }> {
  const configFile = (flags.config as string | undefined) ?? (env.PLIMSOLL_SERVER_CONFIG || undefined);
  const file = configFile ? readConfigFile(configFile) : new Map<string, { value: Raw; where: string }>();
  const resolved = new Map<string, { value: Raw; where: string }>();
  for (const spec of SETTINGS) {
    const key = spec.name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const flag = flags[key];
    const fromEnv = env[envName(spec.name)];
    if (flag !== undefined) resolved.set(spec.name, { value: flag as Raw, where: `--${spec.name}` });
    else if (fromEnv !== undefined && fromEnv !== '') {
      const value =
        spec.kind === 'list'
          ? fromEnv
              .split(';')
              .map((s) => s.trim())
              .filter(Boolean)
          : spec.kind === 'boolean'
            ? booleanText(fromEnv, envName(spec.name))
            : fromEnv;
      resolved.set(spec.name, { value, where: envName(spec.name) });
    } else if (file.has(spec.name)) resolved.set(spec.name, file.get(spec.name) as { value: Raw; where: string });
    else if (spec.default !== undefined) resolved.set(spec.name, { value: spec.default, where: `--${spec.name} default` });
  }
  return resolved;
}

function booleanText(text: string, where: string): boolean {
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw new InputError(`${where}: "${text}" is not true or false`);
}

function port(text: string, where: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new InputError(`${where}: not a port number: "${text}"`);
  return n;
}

function webhookUrl(text: string, where: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`${where}: not a URL: "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`${where}: ${text}: only http and https are delivered to`);
  return text;
}

type Settings = Map<string, { value: Raw; where: string }>;

const text = (settings: Settings, name: string): { value: string; where: string } | undefined =>
  settings.get(name) as { value: string; where: string } | undefined;
const list = <T = string>(settings: Settings, name: string): { value: T[]; where: string } =>
  (settings.get(name) as { value: T[]; where: string } | undefined) ?? { value: [], where: '' };

/** The PostgreSQL URL, when the store is there. */
export function databaseSetting(settings: Settings): string | undefined {
  const database = text(settings, 'database');
  if (database && !isPostgresUrl(database.value))
    throw new InputError(
      `${database.where}: "${database.value.slice(0, 60)}" is not a postgres:// URL (without it the server keeps its data in SQLite under --data-dir)`,
    );
  return database?.value;
}

/** What a process that runs jobs takes from its settings: the server and `plimsoll worker` alike (the database settings still to be completed by the general configuration). */
export function jobRunnerOptions(settings: Settings): Pick<ServerOptions, 'workers' | 'webhooks' | 'registries'> & {
  database?: string;
  db: { dbDir?: string; mirror?: string; source: string[]; offline: boolean };
} {
  const database = databaseSetting(settings);
  const workers = text(settings, 'workers') as { value: string; where: string };
  const n = Number(workers.value);
  if (!/^\d+$/.test(workers.value) || n > 64) throw new InputError(`${workers.where}: "${workers.value}" is not a number of jobs from 0 to 64`);
  const webhooks = (format: WebhookTarget['format'], name: string): WebhookTarget[] => {
    const { value, where } = list(settings, name);
    return value.map((url) => ({ url: webhookUrl(url, where), format }));
  };
  const registrySpecs = list<unknown>(settings, 'registry');
  const registries = registrySpecs.value.map((spec, i) => parseRegistry(spec, `${registrySpecs.where}[${i}]`));
  checkUniqueNames(registries);
  const dbDir = text(settings, 'db-dir')?.value;
  const mirror = text(settings, 'mirror')?.value;
  return {
    ...(database ? { database } : {}),
    workers: n,
    db: {
      ...(dbDir ? { dbDir } : {}),
      ...(mirror ? { mirror } : {}),
      source: list(settings, 'source').value,
      offline: settings.get('offline')?.value === true,
    },
    webhooks: [...webhooks('json', 'webhook'), ...webhooks('slack', 'slack-webhook')],
    registries,
  };
}

/** The server's options from its resolved settings (the database settings still to be completed by the general configuration). */
export function serverOptions(settings: Settings): Omit<ServerOptions, 'db'> & { db: { dbDir?: string; mirror?: string; source: string[]; offline: boolean } } {
  const text = (name: string): { value: string; where: string } | undefined => settings.get(name) as { value: string; where: string } | undefined;
  const level = text('log-level') as { value: string; where: string };
  if (!(LOG_LEVELS as readonly string[]).includes(level.value))
    throw new InputError(`${level.where}: "${level.value}" is not a log level (${LOG_LEVELS.join(', ')})`);
  const listen = text('listen') as { value: string; where: string };
  const p = text('port') as { value: string; where: string };
  const interval = text('db-update-interval') as { value: string; where: string };
  const runner = jobRunnerOptions(settings);
  if (runner.workers === 0 && !runner.database)
    throw new InputError(`${settings.get('workers')?.where ?? '--workers'}: 0 needs --database: with SQLite, jobs run only inside the server`);
  const metricsToken = text('metrics-token-file');
  const tlsCert = text('tls-cert');
  const tlsKey = text('tls-key');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new InputError(`${(tlsCert ?? tlsKey)?.where ?? 'tls'}: --tls-cert and --tls-key go together`);
  const admissionPolicies = text('admission-policies');
  return {
    dataDir: text('data-dir')?.value ?? defaultDataDir(),
    ...runner,
    host: listen.value,
    port: port(p.value, p.where),
    dbUpdateIntervalMs: parseInterval(interval.value, interval.where),
    ...(metricsToken ? { metricsToken: readSecretFile(metricsToken.value, `${metricsToken.where}: ${metricsToken.value}`) } : {}),
    ...(tlsCert && tlsKey ? { tls: { cert: tlsCert.value, key: tlsKey.value } } : {}),
    ...(admissionPolicies ? { admissionPolicies: loadAdmissionPolicies(admissionPolicies.value) } : {}),
    logLevel: level.value as ServerOptions['logLevel'],
  };
}
