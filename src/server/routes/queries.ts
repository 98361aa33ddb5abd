// The questions a security team asks of the fleet: which images have CVE-X, which are affected by
// known-exploited vulnerabilities, what changed since a date.
import type { FastifyPluginAsync } from 'fastify';
import { InputError } from '../../errors.js';
import type { ServerContext } from '../app.js';
import { requireScope } from '../auth.js';
import { bearer, limitQuery, ok, projectParam, refusals } from './schemas.js';

const project = { type: 'object', properties: { project: projectParam }, required: ['project'] } as const;

/** An ISO 8601 date or date-time, as the stored timestamps are written (UTC, milliseconds). */
function sinceTimestamp(text: string): string {
  const time = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(time)) throw new InputError(`since: "${text.slice(0, 40)}" is not an ISO 8601 date (2025-01-31 or 2025-01-31T08:00:00Z)`);
  return new Date(time).toISOString();
}

export function queryRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { project: string; id: string }; Querystring: { limit: number } }>(
      '/projects/:project/vulnerabilities/:id/images',
      {
        onRequest: requireScope(ctx.store, 'read'),
        schema: {
          summary: 'images with this vulnerability (by its id or any alias), each with the matching findings',
          tags: ['queries'],
          security: bearer,
          params: {
            type: 'object',
            properties: { project: projectParam, id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$' } },
            required: ['project', 'id'],
          },
          querystring: { type: 'object', properties: { limit: limitQuery } },
          response: { 200: ok('{ vulnerability, images: [{ image, vulnerabilities }] }'), ...refusals },
        },
      },
      async (request) => ({
        vulnerability: request.params.id,
        images: await ctx.store.imagesWithVulnerability(request.params.project, request.params.id, request.query.limit),
      }),
    );

    app.get<{ Params: { project: string }; Querystring: { limit: number } }>(
      '/projects/:project/kev/images',
      {
        onRequest: requireScope(ctx.store, 'read'),
        schema: {
          summary: "images affected by vulnerabilities in CISA's Known Exploited Vulnerabilities catalog, each with those findings",
          tags: ['queries'],
          security: bearer,
          params: project,
          querystring: { type: 'object', properties: { limit: limitQuery } },
          response: { 200: ok('{ images: [{ image, vulnerabilities }] }'), ...refusals },
        },
      },
      async (request) => ({ images: await ctx.store.imagesWithKev(request.params.project, request.query.limit) }),
    );

    app.get<{ Params: { project: string }; Querystring: { since: string; limit: number } }>(
      '/projects/:project/events',
      {
        onRequest: requireScope(ctx.store, 'read'),
        schema: {
          summary: 'findings that appeared or were resolved since a date, oldest first',
          description:
            "An event is a change between two matches of the same image: a rematch after a database update, or the image submitted again. An image's first submission is its baseline and records none.",
          tags: ['queries'],
          security: bearer,
          params: project,
          querystring: {
            type: 'object',
            properties: { since: { type: 'string', description: 'ISO 8601 date or date-time' }, limit: { ...limitQuery, default: 1000 } },
            required: ['since'],
          },
          response: { 200: ok('{ since, events: [{ id, kind: appeared|resolved, cause, at, image, vulnerability }] }'), ...refusals },
        },
      },
      async (request) => {
        const since = sinceTimestamp(request.query.since);
        return { since, events: await ctx.store.eventsSince(request.params.project, since, request.query.limit) };
      },
    );
  };
}
