// Every kind of job the server runs, one line each: the handler and its retry policy. Both queues
// (jobs.ts) dispatch through this table; a new kind needs its handler and its line here.
import type { JobKindSpec } from './jobs.js';
import { runCatalogJob } from './registry/catalog-job.js';
import { catalogKey, scanKey } from './registry/queue.js';
import { runScanJob } from './registry/scan-job.js';
import { dbUpdateJob, rematchJob } from './rematch.js';

export const JOB_KINDS = {
  rematch: { run: rematchJob, retries: 2, coalesce: true, heartbeatSeconds: 10 },
  'db-update': { run: dbUpdateJob, retries: 2, coalesce: true, heartbeatSeconds: 120 },
  // A registry that answers again later is scanned then; one waiting scan per digest, one rescan per registry.
  'registry-scan': { run: runScanJob, retries: 2, coalesce: true, coalesceKey: scanKey, heartbeatSeconds: 60 },
  'registry-catalog': { run: runCatalogJob, retries: 2, coalesce: true, coalesceKey: catalogKey, heartbeatSeconds: 60 },
} satisfies Record<string, JobKindSpec<never>>;

export type JobKinds = typeof JOB_KINDS;
export type JobKind = keyof JobKinds;
/** The JSON payload a kind's handler takes. */
export type JobPayload<K extends JobKind> = Parameters<JobKinds[K]['run']>[0];
