// The registry jobs on the server's job queue: a scan per pushed or listed image (one per digest
// while it waits), a catalog rescan per registry on demand and on its schedule.
import type { ServerContext } from '../app.js';
import type { Job } from '../jobs.js';
import { runCatalogJob, type CatalogJobPayload } from './catalog-job.js';
import { runScanJob, type ScanJobPayload } from './scan-job.js';

export function queueScan(ctx: ServerContext, payload: ScanJobPayload): Job {
  return ctx.jobs.enqueue('registry-scan', () => runScanJob(ctx, payload), { key: `registry-scan ${payload.registry} ${payload.project} ${payload.digest}`, payload: { ...payload } });
}

export function queueCatalogRescan(ctx: ServerContext, payload: CatalogJobPayload): Job {
  return ctx.jobs.enqueue('registry-catalog', () => runCatalogJob(ctx, payload), { key: `registry-catalog ${payload.registry}${payload.all ? ' all' : ''}`, payload: { ...payload } });
}

/** Starts every registry's rescan-interval timer; returns what stops them. */
export function scheduleRescans(ctx: ServerContext): () => void {
  const timers = ctx.registries.filter((r) => r.rescanIntervalMs > 0).map((r) => setInterval(() => queueCatalogRescan(ctx, { registry: r.name }), r.rescanIntervalMs));
  return () => timers.forEach(clearInterval);
}
