import type { Command } from 'commander';
import { dbSettings } from '../../config.js';
import { newToken, parseScopes } from '../../server/auth.js';
import { defaultDataDir, startServer } from '../../server/serve.js';
import { databaseSetting, resolveSettings, serverOptions } from '../../server/settings.js';
import { openStore } from '../../server/sql-store.js';
import { resolveDbDir } from '../../vulndb/index.js';

/** `plimsoll server token create`: the token is printed once; only its hash is stored. */
export async function createToken(command: Command): Promise<void> {
  // With the globals: commander gives `--data-dir` and `--database` to `server`, which has the same options, wherever they are written.
  const opts = command.optsWithGlobals<{ project?: string; scope: string; description?: string }>();
  const settings = resolveSettings(opts);
  const database = databaseSetting(settings);
  const dataDir = settings.get('data-dir')?.value as string | undefined;
  const { token: text, record } = newToken({
    ...(opts.project ? { project: opts.project } : {}),
    scopes: parseScopes(opts.scope),
    ...(opts.description ? { description: opts.description } : {}),
  });
  const store = await openStore(database ? { database } : { dataDir: dataDir ?? defaultDataDir() });
  try {
    if (record.project) await store.ensureProject(record.project, record.createdAt);
    await store.createToken(record);
  } finally {
    await store.close();
  }
  process.stdout.write(`${text}\n`);
}

/** `plimsoll server`: settings from flags, environment and config file; runs until SIGINT or SIGTERM, then stops within SHUTDOWN_MS. */
export async function runServer(flags: Record<string, unknown>): Promise<void> {
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
}
