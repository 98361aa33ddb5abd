import { dbSettings } from '../../config.js';
import { InputError } from '../../errors.js';
import { openJobRunner, SHUTDOWN_MS } from '../../server/serve.js';
import { jobRunnerOptions, resolveSettings } from '../../server/settings.js';
import { resolveDbDir } from '../../vulndb/index.js';

/** `plimsoll worker`: takes jobs until SIGTERM or SIGINT, when its running jobs go back to the queue. */
export async function runWorker(flags: Record<string, unknown>): Promise<void> {
  const settings = jobRunnerOptions(resolveSettings(flags));
  if (!settings.database)
    throw new InputError('plimsoll worker needs --database (or PLIMSOLL_SERVER_DATABASE): the PostgreSQL database the server keeps its jobs in');
  if (settings.workers === 0) throw new InputError('--workers: a worker runs at least 1 job of each kind at a time');
  const { dbDir, mirror, sources } = dbSettings({ ...settings.db });
  const log = (message: string): void => void process.stderr.write(`plimsoll worker: ${message}\n`);
  const runner = await openJobRunner(
    { ...settings, database: settings.database, db: { dbDir: resolveDbDir(dbDir), ...(mirror ? { mirror } : {}), sources, offline: settings.db.offline } },
    log,
  );
  await runner.ctx.jobs.start(settings.workers);
  log(`taking jobs (${settings.workers} of each kind at a time)`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      log('stopping (running jobs go back to the queue)');
      void runner.close(SHUTDOWN_MS).then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
