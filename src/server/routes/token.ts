// GET /api/v1/whoami: what the presented token may do, so a client needs only the token to find its project.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../app.js';
import { requireScope } from '../auth.js';
import { bearer, ok, refusals } from './schemas.js';

export function tokenRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/whoami',
      {
        onRequest: requireScope(ctx.store, undefined),
        schema: {
          summary: "the token's project and scopes",
          tags: ['tokens'],
          security: bearer,
          response: { 200: ok('{ project, scopes }'), 401: refusals[401] },
        },
      },
      async (request) => ({ project: request.token?.project ?? null, scopes: request.token?.scopes ?? [] }),
    );
  };
}
