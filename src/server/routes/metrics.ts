// GET /metrics: Prometheus' text exposition format. Open by default, as exporters usually are (bind
// the server to an internal address); with a metrics token set, a scrape must present it
// (Prometheus' `authorization: { credentials_file: ... }`), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerMetrics } from '../metrics.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function metricsRoutes(metrics: ServerMetrics, token: string | undefined): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', { schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['operations'] } }, async (request, reply) => {
      if (token !== undefined) {
        const presented = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
        if (!timingSafeEqual(digest(presented), digest(token)))
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer realm="plimsoll metrics"')
            .send({ error: 'the metrics token is required (Authorization: Bearer ...)' });
      }
      return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  };
}
