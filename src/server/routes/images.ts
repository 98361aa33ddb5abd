// Submissions and the stored images of a project.
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../app.js';
import { requireScope } from '../auth.js';
import { readSbom } from '../sbom.js';
import { submitInventory } from '../submit.js';
import { unavailable, bearer, limitQuery, ok, projectParam, refusals } from './schemas.js';

/** A CycloneDX SBOM of a large image (thousands of packages with their layer properties) stays well under this. */
export const MAX_SBOM_BYTES = 32 * 1024 * 1024;

const imageId = { type: 'string', pattern: '^[0-9a-f-]{36}$' } as const;

export function imageRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser('application/vnd.cyclonedx+json', { parseAs: 'string', bodyLimit: MAX_SBOM_BYTES }, app.getDefaultJsonParser('error', 'error'));

    app.post<{ Params: { project: string } }>(
      '/projects/:project/images',
      {
        bodyLimit: MAX_SBOM_BYTES,
        onRequest: requireScope(ctx.store, 'submit'),
        schema: {
          summary: 'submit an image inventory (the CycloneDX SBOM Plimsoll writes) and receive its vulnerabilities',
          description:
            'The body is a CycloneDX 1.4-1.6 JSON SBOM: metadata.component names the image (name: reference, version: digest), components the OS and packages (purl, plimsoll:package:* properties). No file contents are read or wanted. The answer carries `vulnerabilities[]` as the JSON report does.',
          tags: ['images'],
          security: bearer,
          params: { type: 'object', properties: { project: projectParam }, required: ['project'] },
          body: { type: 'object', description: 'CycloneDX SBOM' },
          response: { 200: ok('{ image, vulnerabilities, coverage, notices, attributions }'), 503: unavailable, ...refusals },
        },
      },
      async (request, reply) => {
        const submitted = await submitInventory(ctx, request.params.project, readSbom(request.body));
        if (!submitted) return reply.code(503).header('retry-after', '60').send({ error: 'the vulnerability database is not built yet; try again later' });
        const { image, match } = submitted;
        return { image, vulnerabilities: match.vulnerabilities, coverage: match.coverage, notices: match.notices, attributions: match.attributions };
      },
    );

    app.get<{ Params: { project: string }; Querystring: { limit: number } }>(
      '/projects/:project/images',
      {
        onRequest: requireScope(ctx.store, 'read'),
        schema: {
          summary: "the project's images, newest submission first, with counts by severity",
          tags: ['images'],
          security: bearer,
          params: { type: 'object', properties: { project: projectParam }, required: ['project'] },
          querystring: { type: 'object', properties: { limit: limitQuery } },
          response: { 200: ok('{ images: [...] }'), ...refusals },
        },
      },
      async (request) => ({ images: await ctx.store.listImages(request.params.project, request.query.limit) }),
    );

    app.get<{ Params: { project: string; id: string } }>(
      '/projects/:project/images/:id',
      {
        onRequest: requireScope(ctx.store, 'read'),
        schema: {
          summary: 'one image and its current vulnerabilities',
          tags: ['images'],
          security: bearer,
          params: { type: 'object', properties: { project: projectParam, id: imageId }, required: ['project', 'id'] },
          response: { 200: ok('{ image, vulnerabilities }'), ...refusals },
        },
      },
      async (request, reply) => {
        const found = await ctx.store.getImage(request.params.project, request.params.id);
        if (!found) return reply.code(404).send({ error: `image ${request.params.id} not found` });
        const { vulnerabilities, ...image } = found;
        return { image, vulnerabilities };
      },
    );
  };
}
