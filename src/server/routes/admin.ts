// Server operations (scope admin, whatever the token's project): re-evaluate every stored image now.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../app.js';
import { requireScope } from '../auth.js';
import { unavailable, bearer, ok, refusals } from './schemas.js';

export function adminRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.post(
      '/admin/rematch',
      {
        onRequest: requireScope(ctx.store, 'admin'),
        schema: {
          summary: 'match every stored inventory again and record what appeared and what was resolved',
          description: 'Queues a job (one already waiting is reused) and answers 202 with it; follow it at /admin/jobs/{id}.',
          tags: ['admin'],
          security: bearer,
          response: { 202: ok('{ job }'), 503: unavailable, 401: refusals[401], 403: refusals[403] },
        },
      },
      async (_request, reply) => {
        if (!ctx.database.ready)
          return reply.code(503).header('retry-after', '60').send({ error: 'the vulnerability database is not built yet; try again later' });
        return reply.code(202).send({ job: await ctx.jobs.enqueue('rematch', {}) });
      },
    );

    app.get<{ Params: { id: string } }>(
      '/admin/jobs/:id',
      {
        onRequest: requireScope(ctx.store, 'admin'),
        schema: {
          summary: 'a job: queued, running, succeeded (with its result) or failed (with why)',
          tags: ['admin'],
          security: bearer,
          params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } }, required: ['id'] },
          response: { 200: ok('{ job }'), ...refusals },
        },
      },
      async (request, reply) => {
        const job = await ctx.jobs.get(request.params.id);
        if (!job) return reply.code(404).send({ error: `job ${request.params.id} not found` });
        return { job };
      },
    );
  };
}
