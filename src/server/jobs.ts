// The server's background work, behind one interface: a job has a kind and a JSON payload, and is
// run by its kind's handler in JOB_KINDS (job-kinds.ts), so a new kind is one line there. Two queues
// serve it: pg-boss with PostgreSQL (pgboss-queue.ts: any number of `plimsoll worker` processes),
// and an in-process pool with SQLite (sqlite-queue.ts: the jobs in the store's file). Both keep jobs
// across restarts.
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
 * those out of retries (dead) the queue still keeps: the newest 100 with SQLite, as long as pg-boss
 * keeps them (its retention, 7 days) with PostgreSQL.
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

/** The most jobs list() answers. */
export const LISTED = 1000;
