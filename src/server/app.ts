// The HTTP API: Fastify, versioned under /api/v1, its OpenAPI document generated from the routes'
// own schemas (@fastify/swagger) so the document cannot drift from what is served. Every error is a
// one-line JSON `{ "error": ... }` with a 4xx status, or 500 with no detail (logged, never sent).
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { PlimsollError } from '../errors.js';
import { plimsollVersion } from '../model/inventory.js';
import type { JobContext } from './jobs.js';
import { instrumentHttp } from './metrics.js';
import type { AdmissionPolicies } from './admission/policy.js';
import { STORE_RETRY_AFTER_SECONDS, StoreUnavailableError } from './sql.js';
import { adminRoutes } from './routes/admin.js';
import { admissionRoutes } from './routes/admission.js';
import { healthRoutes } from './routes/health.js';
import { imageRoutes } from './routes/images.js';
import { metricsRoutes } from './routes/metrics.js';
import { queryRoutes } from './routes/queries.js';
import { registryRoutes } from './routes/registries.js';
import { tokenRoutes } from './routes/token.js';
import { trendRoutes } from './routes/trend.js';
import { dashboardRoutes } from './dashboard/routes.js';

/** What the routes use: the same parts the jobs get (jobs.ts). */
export type ServerContext = JobContext;

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** When set, GET /metrics asks for it as a Bearer token. */
  metricsToken?: string;
  /** PEM certificate and key: the server speaks HTTPS (the Kubernetes API server calls webhooks only over HTTPS). */
  https?: { cert: Buffer; key: Buffer };
  admissionPolicies?: AdmissionPolicies;
}

/** Bodies other than SBOM submissions (which have their own limit, routes/images.ts). */
const BODY_LIMIT = 64 * 1024;

const firstLine = (text: string): string => text.split('\n')[0] ?? '';

export async function buildApp(ctx: ServerContext, options: AppOptions = {}): Promise<FastifyInstance> {
  // Typed as the plain HTTP instance: routes and hooks do not depend on the transport.
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Plimsoll server',
        version: plimsollVersion(),
        description: 'On-premises vulnerability management: clients submit SBOMs, the server matches, stores and re-evaluates them.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'plm_... API token (plimsoll server token create)' },
          notifyToken: {
            type: 'http',
            scheme: 'bearer',
            description: "the registry's notify token (settings: registries[].notify-token-file or notify-token-env)",
          },
        },
      },
    },
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof PlimsollError) return reply.code(400).send({ error: firstLine(err.message) });
    // Retriable: nothing was stored (a submission's transaction did not commit), and the client may send it again.
    if (err instanceof StoreUnavailableError)
      return reply
        .code(503)
        .header('retry-after', String(STORE_RETRY_AFTER_SECONDS))
        .send({ error: firstLine(err.message) });
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send({ error: firstLine(err.message) });
    request.log.error(err);
    return reply.code(500).send({ error: 'internal error' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no such endpoint: ${request.method} ${request.url.split('?')[0] ?? ''}` }));
  instrumentHttp(app, ctx.metrics);
  await app.register(healthRoutes(ctx));
  await app.register(metricsRoutes(ctx.metrics, options.metricsToken));
  await app.register(tokenRoutes(ctx), { prefix: '/api/v1' });
  await app.register(imageRoutes(ctx), { prefix: '/api/v1' });
  await app.register(queryRoutes(ctx), { prefix: '/api/v1' });
  await app.register(adminRoutes(ctx), { prefix: '/api/v1' });
  await app.register(registryRoutes(ctx), { prefix: '/api/v1' });
  await app.register(admissionRoutes(ctx, options.admissionPolicies ?? new Map()), { prefix: '/api/v1' });
  await app.register(trendRoutes(ctx), { prefix: '/api/v1' });
  await app.register(dashboardRoutes(ctx));
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
