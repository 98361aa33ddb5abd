// Schemas the routes share: parameters, and the error responses every guarded route can give.
import { PROJECT_NAME } from '../auth.js';

export const projectParam = { type: 'string', pattern: PROJECT_NAME.source, description: 'project (tenant) name' } as const;

export const limitQuery = { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'most items returned' } as const;

const error = (description: string) => ({ description, type: 'object', properties: { error: { type: 'string' } }, required: ['error'] }) as const;

/** The refusals of a route that needs a token: 401 without a valid one, 403 without the scope, 404 for another project. */
export const refusals = {
  400: error('bad input'),
  401: error('no valid API token'),
  403: error('the token lacks the scope'),
  404: error("not found, or another project's"),
} as const;

export const unavailable = error('no vulnerability database yet (Retry-After says when to try again)');

/** A 200 whose body is described in words; no serializer schema, so no field is ever dropped. */
export const ok = (description: string) => ({ description, type: 'object', additionalProperties: true }) as const;

export const bearer = [{ bearer: [] }];
