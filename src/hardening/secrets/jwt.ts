// JSON Web Tokens: three base64url parts whose first decodes to a JOSE header with an `alg`.
import type { SecretMatch, SecretRule } from './rule.js';
import { matchGroup } from './rule.js';

function isJoseHeader(part: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

function findJwts(text: string): SecretMatch[] {
  return matchGroup(text, /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/g).filter((m) =>
    isJoseHeader(m.secret.split('.')[0] as string),
  );
}

export const jwtRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-JWT',
    title: 'JSON Web Token',
    severity: 'MEDIUM',
    remediation:
      'Remove the token; if it has not expired, revoke it or rotate the key that signed it. Tokens belong in the runtime environment, not in a layer.',
    keywords: ['eyJ'],
    find: findJwts,
  },
];
