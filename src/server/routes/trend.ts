// GET /api/v1/projects/{p}/trend: the project's counts after each rematch (a database update's or
// an admin's), the data behind the dashboard's trend view.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../app.js';
import { requireScope } from '../auth.js';
import { bearer, limitQuery, ok, projectParam, refusals } from './schemas.js';

export function trendRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { project: string }; Querystring: { limit: number } }>(
      '/projects/:project/trend',
      {
        onRequest: requireScope(ctx.store, 'read'),
        schema: {
          summary: "the project's vulnerability counts after each rematch, oldest first",
          description:
            'One point per rematch: when, against which database, how many images, what appeared and what was resolved, and the counts by severity, by priority and in KEV once it finished.',
          tags: ['queries'],
          security: bearer,
          params: { type: 'object', properties: { project: projectParam }, required: ['project'] },
          querystring: { type: 'object', properties: { limit: limitQuery } },
          response: {
            200: ok('{ trend: [{ at, dbBuiltAt, images, appeared, resolved, vulnerabilities, vulnerabilitiesByPriority, knownExploited }] }'),
            ...refusals,
          },
        },
      },
      async (request) => ({ trend: await ctx.store.trend(request.params.project, request.query.limit) }),
    );
  };
}
