// `plimsoll worker`: takes the server's jobs (rematches, database updates, and every other kind in
// job-kinds.ts) from its PostgreSQL database, on this machine or any other that reaches it. Until
// SIGTERM or SIGINT, when its running jobs go back to the queue.
import { Command } from 'commander';
import { dbSettings } from '../../config.js';
import { openJobRunner, SHUTDOWN_MS } from '../../server/serve.js';
import { resolveDbDir } from '../../vulndb/index.js';
import { databaseUrl, jobCount, webhookUrl } from './server.js';

interface WorkerOptions {
  database: string;
  concurrency: string;
  dbDir?: string;
  mirror?: string;
  source?: string[];
  offline?: boolean;
  webhook?: string[];
  slackWebhook?: string[];
}

const repeatable = (v: string, all: string[] = []): string[] => [...all, v];

export function workerCommand(): Command {
  return new Command('worker')
    .description("run the Plimsoll server's jobs from its PostgreSQL database (retried with backoff; out of retries, kept in the dead-letter queue)")
    .requiredOption('--database <url>', "the server's database: postgres://user:password@host/db")
    .option('--concurrency <n>', 'jobs of each kind run at once', '1')
    .option('--db-dir <dir>', "the vulnerability database directory (default ~/.cache/plimsoll/db); the server's own when on the same machine")
    .option('--mirror <dir|url>', 'read the feeds from a mirror laid out like ../shared/vulndata (or PLIMSOLL_DB_MIRROR)')
    .option('--source <source>', 'also read a private feed: osv-dir:PATH; repeatable', repeatable)
    .option('--offline', 'never download feeds')
    .option('--webhook <url>', 'POST finding events here as JSON; repeatable', repeatable)
    .option('--slack-webhook <url>', 'POST finding events here in Slack incoming-webhook format; repeatable', repeatable)
    .action(async (opts: WorkerOptions) => {
      const { dbDir, mirror, sources } = dbSettings(opts);
      const concurrency = jobCount(opts.concurrency, '--concurrency');
      const log = (message: string): void => void process.stderr.write(`plimsoll worker: ${message}\n`);
      const runner = await openJobRunner(
        {
          database: databaseUrl(opts.database),
          db: { dbDir: resolveDbDir(dbDir), ...(mirror ? { mirror } : {}), sources, offline: opts.offline === true },
          webhooks: [...(opts.webhook ?? []).map((url) => ({ url: webhookUrl(url), format: 'json' as const })), ...(opts.slackWebhook ?? []).map((url) => ({ url: webhookUrl(url), format: 'slack' as const }))],
        },
        log,
      );
      await runner.ctx.jobs.start(concurrency);
      log(`taking jobs (${concurrency} of each kind at a time)`);
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
