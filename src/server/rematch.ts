// Continuous re-evaluation: every stored inventory is matched again, and each image's change in
// findings is recorded as events (store.recordMatch) and delivered. The two jobs that do it: a
// rematch, and a database update followed by a rematch.
import { setImmediate } from 'node:timers/promises';
import { PlimsollError } from '../errors.js';
import type { JobAttempt, JobContext } from './jobs.js';
import type { ServerDatabase } from './matcher.js';
import type { FindingEvent, Store } from './store.js';

const BATCH = 500;

export interface RematchSummary {
  images: number;
  appeared: number;
  resolved: number;
  dbBuiltAt: string;
}

/**
 * Stops between images when `signal` aborts; run again, it records only what the stopped run had not
 * (each image's findings are diffed against what is stored), so no event is recorded twice.
 */
export async function rematchAll(
  store: Store,
  database: ServerDatabase,
  notify: (events: FindingEvent[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<RematchSummary> {
  const summary = { images: 0, appeared: 0, resolved: 0 };
  const events: FindingEvent[] = [];
  const changes = new Map<string, { appeared: number; resolved: number }>();
  let builtAt = '';
  for (const id of await store.imageIds()) {
    signal?.throwIfAborted();
    const inventory = await store.loadInventory(id);
    if (!inventory) continue;
    const match = database.match(inventory);
    if (!match) throw new PlimsollError('no vulnerability database yet: nothing to match against');
    builtAt = match.dbBuiltAt;
    const changed = await store.recordMatch(id, {
      vulnerabilities: match.vulnerabilities,
      at: new Date().toISOString(),
      dbBuiltAt: match.dbBuiltAt,
      cause: 'rematch',
    });
    summary.images++;
    for (const e of changed) {
      summary[e.kind]++;
      const project = changes.get(e.project) ?? { appeared: 0, resolved: 0 };
      project[e.kind]++;
      changes.set(e.project, project);
    }
    events.push(...changed);
    // Delivered in batches, so a large database change holds a bounded number of events in memory.
    if (events.length >= BATCH) await notify(events.splice(0));
    // Matching is synchronous: let requests in between images.
    await setImmediate();
  }
  if (events.length > 0) await notify(events);
  const dbBuiltAt = builtAt || (database.builtAt ?? '');
  // The dashboard's trend: each project's counts after every rematch.
  await store.recordTrend(new Date().toISOString(), dbBuiltAt, changes);
  return { ...summary, dbBuiltAt };
}

type NoPayload = Record<string, never>;

/** Every stored inventory matched again against the database as it is now on disk (a `db update` or `db import` run beside the server, or by another worker, included). */
export async function rematchJob(_payload: NoPayload, ctx: JobContext, { signal }: JobAttempt): Promise<Record<string, unknown>> {
  ctx.database.reload();
  return { ...(await rematchAll(ctx.store, ctx.database, ctx.notify, signal)) };
}

/** A database update, then a rematch against the new database; a failed update fails the job and keeps the previous database. */
export async function dbUpdateJob(_payload: NoPayload, ctx: JobContext, { signal }: JobAttempt): Promise<Record<string, unknown>> {
  await ctx.database.update();
  signal.throwIfAborted();
  return { dbBuiltAt: ctx.database.builtAt, rematch: await rematchAll(ctx.store, ctx.database, ctx.notify, signal) };
}
