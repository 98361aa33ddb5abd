// Prometheus metrics (GET /metrics, text exposition format) on a registry of the server's own, so two
// servers in one process (the tests) never share counters. Job and database figures are read at
// scrape time from the queue (jobs.counts(): with PostgreSQL, every process's jobs) and the database,
// so they cannot drift from them.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobQueue } from './jobs.js';

export interface ServerMetrics {
  registry: Registry;
  /** One image matched against the database (a submission, a registry scan or a rematch). */
  observeMatch(seconds: number): void;
  /** One registry scan: pull, inventory, match and store. */
  observeScan(seconds: number, outcome: 'scanned' | 'skipped' | 'failed'): void;
}

export function createMetrics(source: { jobs: () => JobQueue; dbBuiltAt: () => string | undefined }): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'plimsoll_' });
  new Gauge({
    name: 'plimsoll_jobs',
    // Failed jobs are those the queue still keeps (SQLite: the newest 100; pg-boss: its retention), so they
    // can fall as old ones are pruned: a gauge, not a counter.
    help: 'Jobs queued, running, and failed out of retries (as many as the queue keeps), by kind',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [kind, counts] of Object.entries(await source.jobs().counts())) {
        for (const state of ['queued', 'running', 'failed'] as const) this.set({ kind, state }, counts[state]);
      }
    },
  });
  new Gauge({
    name: 'plimsoll_vulnerability_database_age_seconds',
    help: 'Seconds since the vulnerability database in use was built (absent until there is one)',
    registers: [registry],
    collect() {
      this.reset();
      const builtAt = Date.parse(source.dbBuiltAt() ?? '');
      if (!Number.isNaN(builtAt)) this.set(Math.max(0, (Date.now() - builtAt) / 1000));
    },
  });
  const match = new Histogram({
    name: 'plimsoll_match_duration_seconds',
    help: 'Time to match one image inventory against the vulnerability database',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const scan = new Histogram({
    name: 'plimsoll_registry_scan_duration_seconds',
    help: 'Time to scan one registry image: pull, inventory, match, store',
    labelNames: ['outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  return {
    registry,
    observeMatch: (seconds) => match.observe(seconds),
    observeScan: (seconds, outcome) => scan.observe({ outcome }, seconds),
  };
}

/** Counts and times every HTTP request by route pattern (never the raw URL: its ids would grow the label set without bound). */
export function instrumentHttp(app: FastifyInstance, metrics: ServerMetrics): void {
  const requests = new Counter({
    name: 'plimsoll_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [metrics.registry],
  });
  const duration = new Histogram({
    name: 'plimsoll_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
