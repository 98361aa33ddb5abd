// `plimsoll worker`: takes the server's jobs (rematches, database updates, registry scans and every
// other kind in job-kinds.ts) from its PostgreSQL database, on this machine or any other that reaches
// it. Its settings are the server's that running jobs needs (setting-specs.ts, `worker`), from flag,
// environment or --config file.
import { Command, Option } from 'commander';
import { SETTINGS } from '../../server/setting-specs.js';
import { option } from './server.js';

export function workerCommand(): Command {
  const worker = new Command('worker')
    .description("run the Plimsoll server's jobs from its PostgreSQL database (retried with backoff; out of retries, kept in the dead-letter queue)")
    .addOption(
      new Option('--config <file>', "read settings from the server's YAML file (the keys a worker has no use for are ignored) [env PLIMSOLL_SERVER_CONFIG]"),
    );
  for (const spec of SETTINGS.filter((s) => s.worker)) worker.addOption(option(spec));
  return worker.action(async (flags: Record<string, unknown>) => (await import('../actions/worker.js')).runWorker(flags));
}
