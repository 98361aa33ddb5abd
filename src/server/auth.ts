// API tokens: `plm_<id>_<secret>`. The store keeps the id and the sha256 of the secret, never the
// secret; a presented token is found by its id and its secret's hash compared in constant time.
// Scopes: submit (send inventories), read (query a project), admission (the Kubernetes deployment
// gate: ask whether images may run), admin (server operations). submit, read and admission belong to
// one project: another project's data answers 404, as a project that does not exist
// would, so a token cannot learn which projects exist.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../errors.js';
import { SCOPES, type Scope, type Store, type TokenRecord } from './store.js';

const TOKEN = /^plm_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
export const PROJECT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new token: the record to store, and the token to show once. */
export function newToken(options: { project?: string; scopes: Scope[]; description?: string }, now = new Date()): { token: string; record: TokenRecord } {
  if (options.scopes.length === 0) throw new InputError(`a token needs at least one scope (${SCOPES.join(', ')})`);
  if (!options.project && options.scopes.some((s) => s !== 'admin')) throw new InputError('submit, read and admission belong to a project: give --project');
  if (options.project !== undefined && !PROJECT_NAME.test(options.project))
    throw new InputError(`--project: "${options.project}" is not a project name (lower-case letters, digits, . _ -; up to 63)`);
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return {
    token: `plm_${id}_${secret}`,
    record: {
      id,
      ...(options.project ? { project: options.project } : {}),
      scopes: [...new Set(options.scopes)],
      secretHash: secretHash(secret),
      ...(options.description ? { description: options.description } : {}),
      createdAt: now.toISOString(),
    },
  };
}

export function parseScopes(text: string): Scope[] {
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of scopes) if (!(SCOPES as readonly string[]).includes(s)) throw new InputError(`--scope: unknown scope "${s}" (known: ${SCOPES.join(', ')})`);
  return scopes as Scope[];
}

/** Compared even for an unknown id, so the time taken does not say whether the id exists. */
const NO_HASH = secretHash('');

export async function authenticate(store: Store, header: string | undefined): Promise<TokenRecord | undefined> {
  const match = /^Bearer (\S+)$/.exec(header ?? '');
  const parts = match ? TOKEN.exec(match[1] as string) : null;
  if (!parts) return undefined;
  const record = await store.findToken(parts[1] as string);
  const presented = Buffer.from(secretHash(parts[2] as string), 'hex');
  const stored = Buffer.from(record?.secretHash ?? NO_HASH, 'hex');
  return timingSafeEqual(presented, stored) && record ? record : undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    token?: TokenRecord;
  }
}

/**
 * A preHandler that lets the request through only with a valid token (else 401), for the route's
 * `:project` when it has one (else 404), holding `scope` (else 403).
 */
export function requireScope(store: Store, scope: Scope | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = await authenticate(store, request.headers.authorization);
    if (!token) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="plimsoll"')
        .send({ error: 'a valid API token is required (Authorization: Bearer plm_...)' });
      return;
    }
    const project = (request.params as { project?: string }).project;
    if (project !== undefined && token.project !== project) {
      await reply.code(404).send({ error: `project ${project} not found` });
      return;
    }
    if (scope && !token.scopes.includes(scope)) {
      await reply.code(403).send({ error: `this token lacks the "${scope}" scope` });
      return;
    }
    request.token = token;
  };
}
