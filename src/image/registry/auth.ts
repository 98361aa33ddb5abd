import { PlimsollError } from '../../errors.js';
import type { Challenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { discard, readBody, type HttpClient } from './http.js';

const MAX_TOKEN_RESPONSE = 1024 * 1024;

export function basicAuthorization(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username ?? ''}:${creds.password ?? ''}`).toString('base64')}`;
}

export function wrongCredentials(registry: string, creds: Credentials): PlimsollError {
  const from = creds.source === '--username/--password' ? '' : ` (from ${creds.source})`;
  return new PlimsollError(`wrong credentials for ${registry}${from}`);
}

export function authenticationRequired(what: string, registry: string): PlimsollError {
  return new PlimsollError(`${what}: ${registry} requires authentication (use --username and --password, or docker login)`);
}

/**
 * Gets a Bearer token from the challenge's realm (docker token protocol):
 * anonymous, with basic credentials, or by trading an identity token
 * (OAuth2 refresh_token grant).
 */
export async function fetchBearerToken(
  http: HttpClient,
  args: { challenge: Challenge; scopes: string[]; creds: Credentials | undefined; registry: string; what: string },
): Promise<string> {
  const { challenge, scopes, creds, registry, what } = args;
  let realm: URL;
  try {
    realm = new URL(challenge.params.realm ?? '');
  } catch {
    throw new PlimsollError(`${what}: ${registry} sent a Bearer challenge without a valid realm`);
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new PlimsollError(`${what}: unsupported token realm ${realm.href}`);
  const service = challenge.params.service;
  let res;
  if (creds?.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'plimsoll' });
    if (service) form.set('service', service);
    for (const scope of scopes) form.append('scope', scope);
    res = await http.request(realm, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  } else {
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    res = await http.request(url, { headers: creds ? { authorization: basicAuthorization(creds) } : {} });
  }
  if (res.status === 401 || res.status === 403) {
    discard(res);
    throw creds ? wrongCredentials(registry, creds) : authenticationRequired(what, registry);
  }
  if (res.status !== 200) {
    discard(res);
    throw new PlimsollError(`${what}: token service ${realm.host} answered HTTP ${res.status}`);
  }
  const body = await readBody(res, MAX_TOKEN_RESPONSE, `${what}: token from ${realm.host}`);
  let reply: { token?: unknown; access_token?: unknown };
  try {
    reply = JSON.parse(body.toString('utf8')) as typeof reply;
  } catch {
    throw new PlimsollError(`${what}: token service ${realm.host} answered with something other than JSON`);
  }
  const token = typeof reply.token === 'string' && reply.token ? reply.token : reply.access_token;
  if (typeof token !== 'string' || !token) throw new PlimsollError(`${what}: token service ${realm.host} sent no token`);
  return token;
}
