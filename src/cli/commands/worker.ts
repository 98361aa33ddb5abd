// `plimsoll worker`: takes the server's jobs (rematches, database updates, registry scans and every
// other kind in job-kinds.ts) from its PostgreSQL database, on this machine or any other that reaches
// it. Until SIGTERM or SIGINT, when its running jobs go back to the queue. Its settings are the
// server's that running jobs needs (settings.ts, `worker`), from flag, environment or --config file.
import { Command, Option } from 'commander';
import { dbSettings } from '../../config.js';
import { InputError } from '../../errors.js';
import { openJobRunner, SHUTDOWN_MS } from '../../server/serve.js';
import { SETTINGS, jobRunnerOptions, resolveSettings } from '../../server/settings.js';
import { resolveDbDir } from '../../vulndb/index.js';
import { option } from './server.js';

export function workerCommand(): Command {
  const worker = new Command('worker')
    .description("run the Plimsoll server's jobs from its PostgreSQL database (retried with backoff; out of retries, kept in the dead-letter queue)")
    .addOption(new Option('--config <file>', "read settings from the server's YAML file (the keys a worker has no use for are ignored) [env PLIMSOLL_SERVER_CONFIG]"));
  for (const spec of SETTINGS.filter((s) => s.worker)) worker.addOption(option(spec));
  return worker.action(async (flags: Record<string, unknown>) => {
    const settings = jobRunnerOptions(resolveSettings(flags));
    if (!settings.database) throw new InputError('plimsoll worker needs --database (or PLIMSOLL_SERVER_DATABASE): the PostgreSQL database the server keeps its jobs in');
    if (settings.workers === 0) throw new InputError('--workers: a worker runs at least 1 job of each kind at a time');
    const { dbDir, mirror, sources } = dbSettings({ ...settings.db });
    const log = (message: string): void => void process.stderr.write(`plimsoll worker: ${message}\n`);
    const runner = await openJobRunner({ ...settings, database: settings.database, db: { dbDir: resolveDbDir(dbDir), ...(mirror ? { mirror } : {}), sources, offline: settings.db.offline } }, log);
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
  });
}
