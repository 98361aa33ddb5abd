// The registry jobs on the server's job queue: a scan per pushed or listed image (one per digest
// while it waits: job-kinds.ts coalesces them by that key), a catalog rescan per registry on demand
// and on its schedule.
import type { Job, JobContext } from '../jobs.js';
import type { CatalogJobPayload } from './catalog-job.js';
import type { ScanJobPayload } from './scan-job.js';

export function queueScan(ctx: Pick<JobContext, 'jobs'>, payload: ScanJobPayload): Promise<Job> {
  return ctx.jobs.enqueue('registry-scan', payload);
}

export function queueCatalogRescan(ctx: Pick<JobContext, 'jobs'>, payload: CatalogJobPayload): Promise<Job> {
  return ctx.jobs.enqueue('registry-catalog', payload);
}

/** The dedupe key of a waiting scan: the same image of the same registry for the same project. */
export const scanKey = (p: ScanJobPayload): string => `${p.registry} ${p.project} ${p.digest}`;

/** The dedupe key of a waiting catalog rescan: per registry, a full rescan apart. */
export const catalogKey = (p: CatalogJobPayload): string => `${p.registry}${p.all ? ' all' : ''}`;

/** Starts every registry's rescan-interval timer; returns what stops them. */
export function scheduleRescans(ctx: Pick<JobContext, 'jobs' | 'registries'>, log: (message: string) => void): () => void {
  const timers = ctx.registries
    .filter((r) => r.rescanIntervalMs > 0)
    .map((r) =>
      setInterval(
        () => void queueCatalogRescan(ctx, { registry: r.name }).catch((err: Error) => log(`scheduled rescan of registry ${r.name}: ${err.message}`)),
        r.rescanIntervalMs,
      ),
    );
  return () => timers.forEach(clearInterval);
}
