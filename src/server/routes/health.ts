// Liveness (/healthz: the process answers) and readiness (/readyz: the store answers and a
// vulnerability database is open, so a submission can be matched). No token: probes carry none.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../app.js';

export function healthRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', { schema: { summary: 'liveness', tags: ['operations'] } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { summary: 'readiness: store reachable and vulnerability database open', tags: ['operations'] } }, async (_request, reply) => {
      const store = await ctx.store.ping().catch(() => false);
      const database = ctx.database.ready;
      const reasons = [...(store ? [] : ['the store does not answer']), ...(database ? [] : ['no vulnerability database yet'])];
      return reply
        .code(reasons.length === 0 ? 200 : 503)
        .send({ status: reasons.length === 0 ? 'ready' : 'not ready', ...(reasons.length ? { reasons } : {}), dbBuiltAt: ctx.database.builtAt ?? null });
    });
  };
}
