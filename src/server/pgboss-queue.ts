// The job queue with PostgreSQL: pg-boss, in its own schema of the server's database. Every kind is a
// pg-boss queue with the kind's retries (exponential backoff), a heartbeat (a worker that dies or
// hangs loses its job back to the queue) and the shared dead-letter queue, where a job out of
// retries is copied for an operator to inspect or redrive. Any process that reaches the database
// (`plimsoll server`, `plimsoll worker`) can take jobs.
import type { PgBoss, Job as BossJob, JobWithMetadata } from 'pg-boss';
import { errorMessage } from '../errors.js';
import type { JobKind, JobKinds, JobPayload } from './job-kinds.js';
import {
  JobInterrupted,
  RETRY_DELAY_MAX_SECONDS,
  RETRY_DELAY_SECONDS,
  LISTED,
  coalesceKey,
  emptyCounts,
  type Job,
  type JobContext,
  type JobCounts,
  type JobKindSpec,
  type JobQueue,
  type JobState,
} from './jobs.js';

const SCHEMA = 'pgboss';
export const DEAD_LETTER = 'dead-letter';
/** How often pg-boss looks for jobs whose heartbeat stopped. */
const SUPERVISE_SECONDS = 5;
/** A new job wakes the workers through LISTEN/NOTIFY; a retry coming due is found by polling. */
const POLL_SECONDS = 2;

const STATES: Record<JobWithMetadata['state'], JobState> = {
  created: 'queued',
  retry: 'queued',
  active: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'failed',
};

function jobRecord(job: JobWithMetadata<unknown>): Job {
  const output = job.output as Record<string, unknown> | null;
  const state = STATES[job.state];
  const failedBefore = state !== 'succeeded' && typeof output?.message === 'string';
  return {
    id: job.id,
    kind: job.name,
    state,
    payload: job.data,
    attempts: job.startedOn ? job.retryCount + 1 : 0,
    queuedAt: new Date(job.createdOn).toISOString(),
    ...(job.startedOn ? { startedAt: new Date(job.startedOn).toISOString() } : {}),
    ...(job.completedOn ? { finishedAt: new Date(job.completedOn).toISOString() } : {}),
    ...(state === 'succeeded' && output ? { result: output } : {}),
    ...(failedBefore ? { error: String(output?.message) } : {}),
  };
}

export class PgBossQueue implements JobQueue {
  private readonly stopping = new AbortController();

  private constructor(
    private readonly boss: PgBoss,
    private readonly kinds: JobKinds,
    private readonly context: () => JobContext,
  ) {}

  /** Connects, installs or migrates pg-boss's schema, and creates (or updates) a queue per kind. */
  static async open(url: string, kinds: JobKinds, context: () => JobContext, log: (message: string) => void): Promise<PgBossQueue> {
    // Loaded here, not imported: only a PostgreSQL queue needs it, and in the CLI's bundle (a script,
    // scripts/bundle-cli.mjs) this is a require() of an ES module, which Node 20 does only since 20.19.
    const { PgBoss } = await import('pg-boss');
    const boss = new PgBoss({
      connectionString: url,
      schema: SCHEMA,
      application_name: 'plimsoll-jobs',
      superviseIntervalSeconds: SUPERVISE_SECONDS,
      useListenNotify: true,
    });
    // Unhandled, an error event (the database restarting) would end the process; pg-boss reconnects by itself.
    boss.on('error', (err: Error) => log(`job queue: ${errorMessage(err)}`));
    await boss.start();
    await ensureQueue(boss, DEAD_LETTER, {});
    for (const [name, spec] of Object.entries(kinds) as [JobKind, JobKindSpec<never>][]) {
      await ensureQueue(boss, name, {
        policy: spec.coalesce ? 'stately' : 'standard',
        retryLimit: spec.retries,
        retryDelay: RETRY_DELAY_SECONDS,
        retryBackoff: true,
        retryDelayMax: RETRY_DELAY_MAX_SECONDS,
        heartbeatSeconds: spec.heartbeatSeconds,
        deadLetter: DEAD_LETTER,
        notify: true,
      });
    }
    return new PgBossQueue(boss, kinds, context);
  }

  async enqueue<K extends JobKind>(kind: K, payload: JobPayload<K>): Promise<Job> {
    // A coalescing kind's queue ('stately') holds one queued job per singleton key at most: send answers
    // null, and that job stands for this one. A kind without a coalesceKey uses no key: one queued job.
    const key = coalesceKey(this.kinds[kind] as JobKindSpec<JobPayload<K>>, payload) || undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = await this.boss.send(kind, payload, key ? { singletonKey: key } : {});
      const job = id ? await this.boss.getJobById(kind, id) : (await this.boss.findJobs(kind, { queued: true, limit: 1, ...(key ? { key } : {}) }))[0];
      if (job) return jobRecord(job as JobWithMetadata<unknown>);
    }
    throw new Error(`could not queue a ${kind} job`);
  }

  async get(id: string): Promise<Job | undefined> {
    for (const kind of Object.keys(this.kinds)) {
      const job = await this.boss.getJobById(kind, id);
      if (job) return jobRecord(job as JobWithMetadata<unknown>);
    }
    return undefined;
  }

  async list(kind: JobKind): Promise<Job[]> {
    return (await this.boss.findJobs(kind, { limit: LISTED })).map((job) => jobRecord(job as JobWithMetadata<unknown>));
  }

  async counts(): Promise<Record<JobKind, JobCounts>> {
    // Read from pg-boss's job table: its queue statistics are refreshed only once a minute.
    const { rows } = await this.boss
      .getDb()
      .executeSql(`SELECT name, state, COUNT(*)::int AS n FROM ${SCHEMA}.job WHERE name = ANY($1) GROUP BY name, state`, [Object.keys(this.kinds)]);
    const counts = emptyCounts(this.kinds);
    for (const { name, state, n } of rows as { name: JobKind; state: JobWithMetadata['state']; n: number }[]) {
      const ours = STATES[state];
      if (ours !== 'succeeded') counts[name][ours] += n;
    }
    return counts;
  }

  async start(concurrency: number): Promise<void> {
    if (concurrency === 0) return;
    for (const [name, spec] of Object.entries(this.kinds) as [JobKind, JobKindSpec<unknown>][]) {
      await this.boss.work(
        name,
        { localConcurrency: concurrency, pollingIntervalSeconds: POLL_SECONDS, notifyPollingIntervalSeconds: POLL_SECONDS },
        async ([job]: BossJob<unknown>[]) => {
          const current = job as BossJob<unknown>;
          const signal = AbortSignal.any([current.signal, this.stopping.signal]);
          return spec.run(current.data, this.context(), { signal, attempt: current.retryCount + 1 });
        },
      );
    }
  }

  /** Running handlers are aborted: pg-boss fails their jobs, which go back to the queue to be retried. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping.abort(new JobInterrupted());
    await this.boss.stop({ graceful: true, timeout: deadlineMs });
  }
}

async function ensureQueue(boss: PgBoss, name: string, options: Parameters<PgBoss['createQueue']>[1] & object): Promise<void> {
  if (!(await boss.getQueue(name))) {
    try {
      await boss.createQueue(name, options);
      return;
    } catch (err) {
      // Another process created it at the same moment.
      if (!(await boss.getQueue(name))) throw err;
    }
  }
  // A queue made by an earlier version takes this version's retry policy; its policy and heartbeat stay.
  const { policy: _policy, heartbeatSeconds: _heartbeat, retryDelayMax: _max, partition: _partition, ...changeable } = options;
  if (Object.keys(changeable).length > 0) await boss.updateQueue(name, changeable);
}
