// The job queue with SQLite: an in-process pool over the `jobs` table of the store's own file, so
// jobs outlive the process. One process owns the file, so whatever it finds `running` when it opens
// was cut off by a crash and goes back to the queue; a graceful stop hands its running jobs back itself.
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { JobKind, JobKinds, JobPayload } from './job-kinds.js';
import {
  JobInterrupted,
  LISTED,
  RETRY_DELAY_MAX_SECONDS,
  RETRY_DELAY_SECONDS,
  coalesceKey,
  emptyCounts,
  type Job,
  type JobContext,
  type JobCounts,
  type JobKindSpec,
  type JobQueue,
  type JobState,
} from './jobs.js';
import type { SqlDatabase } from './sql.js';

/** Finished jobs kept per state (succeeded, failed) for GET /admin/jobs/:id and the failed count. */
const KEPT = 100;

interface JobRow {
  id: string;
  kind: string;
  payload: string;
  state: JobState;
  attempts: number;
  run_after: string;
  coalesce_key: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  result: string | null;
  error: string | null;
}

function jobRecord(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    payload: JSON.parse(row.payload) as unknown,
    attempts: row.attempts,
    queuedAt: row.queued_at,
    ...(row.started_at ? { startedAt: row.started_at } : {}),
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    ...(row.result ? { result: JSON.parse(row.result) as Record<string, unknown> } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

/** The wait before retry `attempt` + 1: 1 s, doubling, at most 5 min (pg-boss's retryBackoff). */
function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_DELAY_SECONDS * 2 ** (attempt - 1), RETRY_DELAY_MAX_SECONDS) * 1000;
}

export class SqliteJobQueue implements JobQueue {
  private readonly running = new Map<string, { kind: string; controller: AbortController; done: Promise<void> }>();
  /** Claims run one after another, so two never take the same row or overfill a kind. */
  private claiming: Promise<void> = Promise.resolve();
  /** Wakes the pool when the earliest retry is due. */
  private wake: NodeJS.Timeout | undefined;
  private concurrency = 0;
  private stopping = false;

  private constructor(
    private readonly db: SqlDatabase,
    private readonly kinds: JobKinds,
    private readonly context: () => JobContext,
    private readonly log: (message: string) => void,
  ) {}

  /** The queue on the store's database, with the jobs a crash left `running` back in the queue (a job out of retries is failed instead). */
  static async open(db: SqlDatabase, kinds: JobKinds, context: () => JobContext, log: (message: string) => void): Promise<SqliteJobQueue> {
    const now = new Date().toISOString();
    await db.transaction(async (tx) => {
      for (const row of await tx.all<{ id: string; kind: string; attempts: number }>("SELECT id, kind, attempts FROM jobs WHERE state = 'running'")) {
        const spec = kinds[row.kind as JobKind] as JobKindSpec<unknown> | undefined;
        const error = 'the process stopped without handing the job back (killed or crashed)';
        // The cut-off attempt counts: a job that kills the process every time ends up failed.
        if (spec && row.attempts <= spec.retries) await tx.run("UPDATE jobs SET state = 'queued', run_after = ?, error = ? WHERE id = ?", [now, error, row.id]);
        else await tx.run("UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?", [now, error, row.id]);
      }
    });
    return new SqliteJobQueue(db, kinds, context, log);
  }

  async enqueue<K extends JobKind>(kind: K, payload: JobPayload<K>): Promise<Job> {
    const key = coalesceKey(this.kinds[kind] as JobKindSpec<JobPayload<K>>, payload);
    const now = new Date().toISOString();
    const job = await this.db.transaction(async (tx) => {
      if (key !== undefined) {
        // A job waiting out a retry's backoff may fail again: it takes no new job's place.
        const waiting = await tx.get<JobRow>(
          "SELECT * FROM jobs WHERE kind = ? AND coalesce_key = ? AND state = 'queued' AND run_after <= ? ORDER BY queued_at LIMIT 1",
          [kind, key, now],
        );
        if (waiting) return jobRecord(waiting);
      }
      const id = randomUUID();
      await tx.run("INSERT INTO jobs (id, kind, payload, state, attempts, run_after, coalesce_key, queued_at) VALUES (?, ?, ?, 'queued', 0, ?, ?, ?)", [
        id,
        kind,
        JSON.stringify(payload),
        now,
        key ?? null,
        now,
      ]);
      return { id, kind, state: 'queued', payload, attempts: 0, queuedAt: now } satisfies Job;
    });
    this.pump();
    return job;
  }

  async get(id: string): Promise<Job | undefined> {
    const row = await this.db.get<JobRow>('SELECT * FROM jobs WHERE id = ?', [id]);
    return row ? jobRecord(row) : undefined;
  }

  async list(kind: JobKind): Promise<Job[]> {
    return (await this.db.all<JobRow>('SELECT * FROM jobs WHERE kind = ? ORDER BY queued_at, id LIMIT ?', [kind, LISTED])).map(jobRecord);
  }

  async counts(): Promise<Record<JobKind, JobCounts>> {
    const counts = emptyCounts(this.kinds);
    const rows = await this.db.all<{ kind: string; state: JobState; n: number }>(
      "SELECT kind, state, COUNT(*) AS n FROM jobs WHERE state IN ('queued', 'running', 'failed') GROUP BY kind, state",
    );
    for (const { kind, state, n } of rows) if (kind in counts) counts[kind as JobKind][state as keyof JobCounts] = Number(n);
    return counts;
  }

  async start(concurrency: number): Promise<void> {
    this.concurrency = concurrency;
    this.pump();
    await this.claiming;
  }

  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.wake);
    await this.claiming;
    for (const { controller } of this.running.values()) controller.abort(new JobInterrupted());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    await Promise.race([Promise.all([...this.running.values()].map((r) => r.done)), deadline]);
    clearTimeout(timer);
  }

  private pump(): void {
    this.claiming = this.claiming.then(() => this.claim()).catch((err: unknown) => this.log(`job queue: ${errorMessage(err)}`));
  }

  /** Takes due jobs while a kind has room, then sets the wake-up for the earliest retry. */
  private async claim(): Promise<void> {
    let now = new Date().toISOString();
    while (!this.stopping && this.concurrency > 0) {
      const open = Object.keys(this.kinds).filter((kind) => [...this.running.values()].filter((r) => r.kind === kind).length < this.concurrency);
      if (open.length === 0) return;
      now = new Date().toISOString();
      const claimedAt = now;
      const row = await this.db.transaction(async (tx) => {
        const due = await tx.get<JobRow>(
          `SELECT * FROM jobs WHERE state = 'queued' AND run_after <= ? AND kind IN (${open.map(() => '?').join(', ')}) ORDER BY run_after, queued_at, id LIMIT 1`,
          [claimedAt, ...open],
        );
        if (due) await tx.run("UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ? WHERE id = ?", [claimedAt, due.id]);
        return due;
      });
      if (!row) break;
      const controller = new AbortController();
      const job = { ...jobRecord(row), state: 'running' as const, attempts: row.attempts + 1, startedAt: claimedAt };
      this.running.set(job.id, { kind: job.kind, controller, done: this.execute(job, controller.signal) });
    }
    if (this.stopping || this.concurrency === 0) return;
    // Not yet due at the last look (a timer may fire a moment early). A due job of a kind at capacity
    // is left out: it waits for a running one to finish, which pumps again.
    const next = await this.db.get<{ at: string | null }>("SELECT MIN(run_after) AS at FROM jobs WHERE state = 'queued' AND run_after > ?", [now]);
    clearTimeout(this.wake);
    if (next?.at) this.wake = setTimeout(() => this.pump(), Math.max(0, Date.parse(next.at) - Date.now()));
  }

  private async execute(job: Job, signal: AbortSignal): Promise<void> {
    // Started on the next turn, so `running` holds the job before its handler can finish.
    await Promise.resolve();
    const spec = this.kinds[job.kind as JobKind] as JobKindSpec<unknown>;
    let outcome: { result: Record<string, unknown> } | { error: string };
    try {
      outcome = { result: await spec.run(job.payload, this.context(), { signal, attempt: job.attempts }) };
    } catch (err) {
      outcome = { error: errorMessage(err) };
    }
    try {
      await this.record(job, spec, signal, outcome);
    } catch (err) {
      // The store closed under a job still running at the stop's deadline: the row stays `running`, for the next start.
      this.log(`job ${job.kind} ${job.id}: its outcome was not recorded: ${errorMessage(err)}`);
    } finally {
      this.running.delete(job.id);
      this.pump();
    }
  }

  private async record(
    job: Job,
    spec: JobKindSpec<unknown>,
    signal: AbortSignal,
    outcome: { result: Record<string, unknown> } | { error: string },
  ): Promise<void> {
    const now = new Date().toISOString();
    if ('result' in outcome) {
      await this.db.run("UPDATE jobs SET state = 'succeeded', finished_at = ?, result = ?, error = NULL WHERE id = ?", [
        now,
        JSON.stringify(outcome.result),
        job.id,
      ]);
      await this.forgetOld('succeeded');
    } else if (signal.aborted) {
      // Back ahead of the jobs queued after it, the interrupted attempt not counted.
      await this.db.run("UPDATE jobs SET state = 'queued', attempts = attempts - 1, run_after = queued_at, error = ? WHERE id = ?", [outcome.error, job.id]);
    } else if (job.attempts <= spec.retries) {
      await this.db.run("UPDATE jobs SET state = 'queued', run_after = ?, error = ? WHERE id = ?", [
        new Date(Date.now() + retryDelayMs(job.attempts)).toISOString(),
        outcome.error,
        job.id,
      ]);
    } else {
      await this.db.run("UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?", [now, outcome.error, job.id]);
      this.log(`job ${job.kind} ${job.id} failed: ${outcome.error}`);
      await this.forgetOld('failed');
    }
  }

  private async forgetOld(state: 'succeeded' | 'failed'): Promise<void> {
    await this.db.run(`DELETE FROM jobs WHERE state = ? AND id NOT IN (SELECT id FROM jobs WHERE state = ? ORDER BY finished_at DESC, id LIMIT ${KEPT})`, [
      state,
      state,
    ]);
  }
}
