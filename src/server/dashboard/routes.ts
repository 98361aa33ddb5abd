// The web dashboard: `/ui/...` pages (one shell, no data) and the views they load from
// `/ui/views/projects/{p}/...`, which answer HTML to a token with the read scope under the same
// rules as the API (requireScope: 401, 403, or 404 for another project's).
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ServerContext } from '../app.js';
import { requireScope } from '../auth.js';
import { projectParam } from '../routes/schemas.js';
import { SHELL_CSP, SHELL_PAGE } from './shell.js';
import { baseImagesPage, imagePage, imagesPage, trendPage } from './views.js';
import type { Html } from '../../report/html/escape.js';

const hide = { hide: true } as const;
const project = { type: 'object', properties: { project: projectParam }, required: ['project'] } as const;

function sendHtml(reply: FastifyReply, body: Html | string): FastifyReply {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(String(body));
}

export function dashboardRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { schema: hide }, async (_request, reply) => reply.redirect('/ui/'));
    for (const path of ['/ui', '/ui/', '/ui/base-images', '/ui/trend', '/ui/images/:id']) {
      app.get(path, { schema: hide }, async (_request, reply) =>
        sendHtml(reply.header('content-security-policy', SHELL_CSP).header('referrer-policy', 'no-referrer'), SHELL_PAGE),
      );
    }

    const read = requireScope(ctx.store, 'read');
    app.get<{ Params: { project: string } }>(
      '/ui/views/projects/:project/images',
      { onRequest: read, schema: { ...hide, params: project } },
      async (request, reply) => sendHtml(reply, await imagesPage(ctx.store, request.params.project)),
    );
    app.get<{ Params: { project: string; id: string } }>(
      '/ui/views/projects/:project/images/:id',
      {
        onRequest: read,
        schema: {
          ...hide,
          params: { type: 'object', properties: { project: projectParam, id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } }, required: ['project', 'id'] },
        },
      },
      async (request, reply) => {
        const page = await imagePage(ctx.store, request.params.project, request.params.id);
        return page ? sendHtml(reply, page) : reply.code(404).send({ error: `image ${request.params.id} not found` });
      },
    );
    app.get<{ Params: { project: string } }>(
      '/ui/views/projects/:project/base-images',
      { onRequest: read, schema: { ...hide, params: project } },
      async (request, reply) => sendHtml(reply, await baseImagesPage(ctx.store, request.params.project)),
    );
    app.get<{ Params: { project: string } }>(
      '/ui/views/projects/:project/trend',
      { onRequest: read, schema: { ...hide, params: project } },
      async (request, reply) => sendHtml(reply, await trendPage(ctx.store, request.params.project)),
    );
  };
}
