// The in-process job queue that serves SQLite: jobs run one at a time, in order, so a rematch never
// races a database update or another rematch. (With PostgreSQL, pg-boss workers will serve the same
// two jobs.) A job already waiting absorbs a second request of its kind, which bounds the queue.
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { ServerDatabase } from './matcher.js';
import { rematchAll } from './rematch.js';
import type { FindingEvent, Store } from './store.js';

export type JobKind = 'rematch' | 'db-update' | 'registry-scan' | 'registry-catalog';

export interface Job {
  id: string;
  kind: JobKind;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** What the job works on (a registry scan's image), for GET /admin/jobs/:id. */
  payload?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: string;
}

/** Finished jobs kept for GET /admin/jobs/:id. */
const KEPT = 100;

export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  /** Each job's dedupe key: its kind, unless the caller gave one (a registry scan's digest). */
  private readonly keys = new Map<string, string>();
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onFailure: (job: Job) => void = () => undefined) {}

  enqueue(kind: JobKind, run: () => Promise<Record<string, unknown>>, options: { key?: string; payload?: Record<string, unknown> } = {}): Job {
    const key = options.key ?? kind;
    const waiting = [...this.jobs.values()].find((j) => j.state === 'queued' && this.keys.get(j.id) === key);
    if (waiting) return waiting;
    const job: Job = { id: randomUUID(), kind, state: 'queued', queuedAt: new Date().toISOString(), ...(options.payload ? { payload: options.payload } : {}) };
    this.jobs.set(job.id, job);
    this.keys.set(job.id, key);
    this.forgetOld();
    this.tail = this.tail.then(async () => {
      job.state = 'running';
      job.startedAt = new Date().toISOString();
      try {
        job.result = await run();
        job.state = 'succeeded';
      } catch (err) {
        job.state = 'failed';
        job.error = errorMessage(err);
        this.onFailure(job);
      }
      job.finishedAt = new Date().toISOString();
    });
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** The jobs known now: every queued and running one, and the last finished ones. */
  list(): Job[] {
    return [...this.jobs.values()];
  }

  /** Resolves when every job queued so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state === 'succeeded' || j.state === 'failed');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEPT))) {
      this.jobs.delete(j.id);
      this.keys.delete(j.id);
    }
  }
}

export interface JobContext {
  store: Store;
  database: ServerDatabase;
  jobs: JobQueue;
  notify: (events: FindingEvent[]) => Promise<void>;
}

/** Every stored inventory matched again against the database as it is now on disk (a `db update` or `db import` run beside the server included). */
export function queueRematch(ctx: JobContext): Job {
  return ctx.jobs.enqueue('rematch', async () => {
    ctx.database.reload();
    return { ...(await rematchAll(ctx.store, ctx.database, ctx.notify)) };
  });
}

/** A database update, then a rematch against the new database; a failed update fails the job and keeps the previous database. */
export function queueDbUpdate(ctx: JobContext): Job {
  return ctx.jobs.enqueue('db-update', async () => {
    await ctx.database.update();
    return { dbBuiltAt: ctx.database.builtAt, rematch: await rematchAll(ctx.store, ctx.database, ctx.notify) };
  });
}
