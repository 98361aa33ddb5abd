// Registry scanning: the notification endpoint a registry's notifier posts to (authenticated by the
// token configured for that registry, not an API token: the registry holds only that), and the
// admin endpoints that list the configured registries and start a catalog rescan.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../app.js';
import { requireScope } from '../auth.js';
import { NOTIFICATION_TYPES, scansFromNotification } from '../registry/notifications.js';
import { queueCatalogRescan, queueScan } from '../registry/queue.js';
import { bearer, ok, refusals } from './schemas.js';

/** An envelope holds a handful of events; the registry batches a few at most. */
const MAX_ENVELOPE_BYTES = 1024 * 1024;

const nameParam = { type: 'object', properties: { name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } }, required: ['name'] } as const;

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function registryRoutes(ctx: ServerContext): FastifyPluginAsync {
  /** Lets a notification through only with its registry's token; an unknown registry is refused alike, so names cannot be probed. */
  const notifier = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const registry = ctx.registries.find((r) => r.name === (request.params as { name: string }).name);
    const presented = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const expected = registry?.notifyToken;
    if (expected === undefined || !timingSafeEqual(digest(presented), digest(expected))) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="plimsoll registry notifications"')
        .send({ error: "a registry notification needs that registry's notify token (Authorization: Bearer ...)" });
    }
  };

  return async (app) => {
    for (const type of NOTIFICATION_TYPES)
      app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: MAX_ENVELOPE_BYTES }, app.getDefaultJsonParser('error', 'error'));

    app.post<{ Params: { name: string } }>(
      '/registries/:name/notifications',
      {
        bodyLimit: MAX_ENVELOPE_BYTES,
        onRequest: notifier,
        schema: {
          summary: "a CNCF distribution registry's webhook notification: each pushed image manifest is queued for a scan",
          description:
            'The body is the envelope `{ "events": [...] }` (application/vnd.docker.distribution.events.v1+json or v2+json). Pushes of image manifests are scanned, once per digest; pulls, deletes, blob pushes and index pushes are ignored. Configure the registry with `notifications.endpoints[].headers: { Authorization: [Bearer TOKEN] }`.',
          tags: ['registries'],
          security: [{ notifyToken: [] }],
          params: nameParam,
          body: { type: 'object' },
          response: { 202: ok('{ queued: [{ job, digest, repository }], ignored }'), 400: refusals[400], 401: refusals[401] },
        },
      },
      async (request, reply) => {
        const registry = ctx.registries.find((r) => r.name === request.params.name);
        if (!registry) return reply.code(401).send({ error: 'unknown registry' });
        const { scans, ignored } = scansFromNotification(request.body, registry);
        const queued = await Promise.all(
          scans.map(async (scan) => ({ job: (await queueScan(ctx, scan)).id, digest: scan.digest, repository: scan.repository })),
        );
        return reply.code(202).send({ queued, ignored });
      },
    );

    app.get(
      '/admin/registries',
      {
        onRequest: requireScope(ctx.store, 'admin'),
        schema: {
          summary: 'the configured registries (never their secrets)',
          tags: ['registries'],
          security: bearer,
          response: { 200: ok('{ registries: [...] }'), 401: refusals[401], 403: refusals[403] },
        },
      },
      async () => ({
        registries: ctx.registries.map((r) => ({
          name: r.name,
          host: r.host,
          project: r.project,
          insecure: r.insecure,
          credentials: r.username !== undefined,
          notifications: r.notifyToken !== undefined,
          rescanIntervalSeconds: r.rescanIntervalMs / 1000,
        })),
      }),
    );

    app.post<{ Params: { name: string }; Querystring: { all?: boolean } }>(
      '/admin/registries/:name/rescan',
      {
        onRequest: requireScope(ctx.store, 'admin'),
        schema: {
          summary: "rescan a registry's catalog: every repository and tag",
          description:
            'Queues a job that lists the catalog and queues a scan for each image the project does not hold yet, or with `all=true` for every image. Answers 202 with the job; follow it at /admin/jobs/{id}.',
          tags: ['registries'],
          security: bearer,
          params: nameParam,
          querystring: { type: 'object', properties: { all: { type: 'boolean', default: false } } },
          response: { 202: ok('{ job }'), ...refusals },
        },
      },
      async (request, reply) => {
        if (!ctx.registries.some((r) => r.name === request.params.name))
          return reply.code(404).send({ error: `registry ${request.params.name} is not configured` });
        return reply.code(202).send({ job: await queueCatalogRescan(ctx, { registry: request.params.name, ...(request.query.all ? { all: true } : {}) }) });
      },
    );
  };
}
