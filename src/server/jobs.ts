// The server's background work, behind one interface: a job has a kind and a JSON payload, and is
// run by its kind's handler in JOB_KINDS (job-kinds.ts), so a new kind is one line there. Two queues
// serve it: pg-boss with PostgreSQL (pgboss-queue.ts: any number of `plimsoll worker` processes,
// durable), and the in-process pool below with SQLite (in memory: jobs queued when the server stops
// are gone; the database schedule queues the next update).
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { JobKind, JobKinds, JobPayload } from './job-kinds.js';
import type { ServerDatabase } from './matcher.js';
import type { ServerMetrics } from './metrics.js';
import type { RegistryConfig } from './registry/config.js';
import type { FindingEvent, Store } from './store.js';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job {
  id: string;
  kind: string;
  state: JobState;
  payload: unknown;
  /** Attempts started so far (a retry is one more). */
  attempts: number;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: Record<string, unknown>;
  /** Why the last attempt failed. */
  error?: string;
}

/**
 * One kind's jobs by state, for metrics: queued includes those waiting to be retried; failed counts
 * those out of retries (dead) — since the process started in memory, as long as pg-boss keeps them
 * (its retention, 7 days) with PostgreSQL.
 */
export interface JobCounts {
  queued: number;
  running: number;
  failed: number;
}

export interface JobContext {
  store: Store;
  database: ServerDatabase;
  jobs: JobQueue;
  notify: (events: FindingEvent[]) => Promise<void>;
  /** The registries the server scans (settings `registries`). */
  registries: readonly RegistryConfig[];
  metrics: ServerMetrics;
}

/** One attempt of a job: its signal aborts when the process stops (or pg-boss takes the job back). */
export interface JobAttempt {
  signal: AbortSignal;
  attempt: number;
}

/** Runs a job; its result is kept with the job. Throws to fail the attempt (retried while retries remain). */
export type JobHandler<P> = (payload: P, ctx: JobContext, attempt: JobAttempt) => Promise<Record<string, unknown>>;

export interface JobKindSpec<P> {
  run: JobHandler<P>;
  /** Attempts after the first failed one, each after a backoff (1 s, doubling, at most 5 min), before the job is dead. */
  retries: number;
  /** A job of this kind that is already queued takes the place of a new one (a rematch covers every image anyway). */
  coalesce: boolean;
  /** With coalesce: only a queued job with the same key takes its place (a registry scan's digest). */
  coalesceKey?: (payload: P) => string;
  /** pg-boss takes a job back from a worker silent this long (killed, partitioned): at least 10. */
  heartbeatSeconds: number;
}

export interface JobQueue {
  enqueue<K extends JobKind>(kind: K, payload: JobPayload<K>): Promise<Job>;
  get(id: string): Promise<Job | undefined>;
  /** The kind's jobs the queue still holds (queued, running, the last finished), oldest first, at most LISTED. */
  list(kind: JobKind): Promise<Job[]>;
  counts(): Promise<Record<JobKind, JobCounts>>;
  /** Starts running jobs, `concurrency` of each kind at a time; 0: this process only queues them. */
  start(concurrency: number): Promise<void>;
  /** Takes no more jobs, aborts the running ones and returns them to the queue, within `deadlineMs`. */
  stop(deadlineMs: number): Promise<void>;
}

export const RETRY_DELAY_SECONDS = 1;
export const RETRY_DELAY_MAX_SECONDS = 300;

/** The error an attempt ends with when the process stops under it. */
export class JobInterrupted extends Error {
  constructor() {
    super('interrupted: the process is stopping; the job goes back to the queue');
    this.name = 'JobInterrupted';
  }
}

/** The key a new job coalesces by: undefined when it never takes a queued job's place. */
export function coalesceKey<P>(spec: JobKindSpec<P>, payload: P): string | undefined {
  if (!spec.coalesce) return undefined;
  return spec.coalesceKey ? spec.coalesceKey(payload) : '';
}

/** Zero of every state for every kind. */
export function emptyCounts(kinds: JobKinds): Record<JobKind, JobCounts> {
  return Object.fromEntries(Object.keys(kinds).map((kind) => [kind, { queued: 0, running: 0, failed: 0 }])) as Record<JobKind, JobCounts>;
}

/** Finished jobs kept for GET /admin/jobs/:id (pg-boss keeps them for its retention time). */
const KEPT = 100;

/** The most jobs list() answers. */
export const LISTED = 1000;

/** The in-process pool (SQLite): the same kinds, retries and coalescing as pg-boss, in memory. */
export class LocalJobQueue implements JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Jobs out of retries, by kind, since the process started (the jobs themselves are forgotten). */
  private readonly failed = new Map<string, number>();
  private concurrency = 0;
  private stopping = false;

  constructor(
    private readonly kinds: JobKinds,
    private readonly context: () => JobContext,
    private readonly onFailure: (job: Job) => void = () => undefined,
  ) {}

  async enqueue<K extends JobKind>(kind: K, payload: JobPayload<K>): Promise<Job> {
    const key = coalesceKey(this.kinds[kind] as JobKindSpec<JobPayload<K>>, payload);
    if (key !== undefined) {
      const waiting = this.waiting.find((j) => j.kind === kind && coalesceKey(this.kinds[kind] as JobKindSpec<unknown>, j.payload) === key);
      if (waiting) return { ...waiting };
    }
    const job: Job = { id: randomUUID(), kind, state: 'queued', payload, attempts: 0, queuedAt: new Date().toISOString() };
    this.jobs.set(job.id, job);
    this.waiting.push(job);
    this.forgetOld();
    this.pump();
    return { ...job };
  }

  async get(id: string): Promise<Job | undefined> {
    const job = this.jobs.get(id);
    return job ? { ...job } : undefined;
  }

  async list(kind: JobKind): Promise<Job[]> {
    return [...this.jobs.values()].filter((j) => j.kind === kind).map((j) => ({ ...j }));
  }

  async counts(): Promise<Record<JobKind, JobCounts>> {
    const counts = emptyCounts(this.kinds);
    for (const kind of Object.keys(counts) as JobKind[]) counts[kind].failed = this.failed.get(kind) ?? 0;
    for (const job of this.jobs.values()) if (job.state === 'queued' || job.state === 'running') counts[job.kind as JobKind][job.state]++;
    return counts;
  }

  async start(concurrency: number): Promise<void> {
    this.concurrency = concurrency;
    this.pump();
  }

  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    for (const { controller } of this.running.values()) controller.abort(new JobInterrupted());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    await Promise.race([Promise.all([...this.running.values()].map((r) => r.done)), deadline]);
    clearTimeout(timer);
  }

  private pump(): void {
    while (!this.stopping && this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      const controller = new AbortController();
      this.running.set(job.id, { controller, done: this.execute(job, controller.signal) });
    }
  }

  private async execute(job: Job, signal: AbortSignal): Promise<void> {
    // Started on the next turn, so `running` holds the job before its handler can finish.
    await Promise.resolve();
    const spec = this.kinds[job.kind as JobKind] as JobKindSpec<unknown>;
    job.state = 'running';
    job.startedAt = new Date().toISOString();
    job.attempts++;
    try {
      job.result = await spec.run(job.payload, this.context(), { signal, attempt: job.attempts });
      job.state = 'succeeded';
      job.finishedAt = new Date().toISOString();
    } catch (err) {
      job.error = errorMessage(err);
      if (signal.aborted) {
        // Back to the front of the queue, not counted as an attempt.
        job.state = 'queued';
        job.attempts--;
        this.waiting.unshift(job);
      } else if (job.attempts <= spec.retries) {
        job.state = 'queued';
        const delay = Math.min(RETRY_DELAY_SECONDS * 2 ** (job.attempts - 1), RETRY_DELAY_MAX_SECONDS) * 1000;
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          this.waiting.push(job);
          this.pump();
        }, delay);
        this.retryTimers.add(timer);
      } else {
        job.state = 'failed';
        job.finishedAt = new Date().toISOString();
        this.failed.set(job.kind, (this.failed.get(job.kind) ?? 0) + 1);
        this.onFailure(job);
      }
    } finally {
      this.running.delete(job.id);
      this.pump();
    }
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state === 'succeeded' || j.state === 'failed');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEPT))) this.jobs.delete(j.id);
  }
}
