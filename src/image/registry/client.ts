import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError, PlimsollError } from '../../errors.js';
import { MAX_JSON_BLOB } from '../assemble.js';
import { MANIFEST_ACCEPT, type Descriptor } from '../manifest.js';
import type { SourceOptions } from '../types.js';
import { authenticationRequired, basicAuthorization, fetchBearerToken, wrongCredentials } from './auth.js';
import { parseChallenges, pickChallenge, type Challenge } from './challenge.js';
import { lookupCredentials, type Credentials } from './credentials.js';
import { discard, HttpClient, NetworkError, readBody, RETRY, retryDelay, type HttpResponse, type RequestInit } from './http.js';
import { withProgress } from './progress.js';

export type ClientOptions = Pick<SourceOptions, 'username' | 'password' | 'insecure' | 'dockerConfigDir' | 'onProgress'> & {
  /** Ask for push access as well as pull (token scope `repository:REPO:pull,push`). */
  push?: boolean;
};

interface AuthState {
  /** Authorization header value, when the registry asked for one. */
  header?: string;
  /** The credentials behind it, when any were used. */
  creds?: Credentials;
  scheme?: string;
}

const MAX_ERROR_BODY = 64 * 1024;

/** Registries reached over plain HTTP without asking: the loopback names. */
function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').toLowerCase();
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/**
 * One repository on one registry (Distribution API v2): finds the scheme,
 * answers its authentication challenges, and reads manifests and blobs.
 */
export class RegistryClient {
  private readonly http: HttpClient;
  private base?: Promise<URL>;
  private challenge?: Challenge;
  private auth?: Promise<AuthState>;
  /** Bumped whenever `auth` is dropped, so parallel 401s renew it only once. */
  private authGeneration = 0;
  private creds?: Promise<Credentials | undefined>;

  constructor(
    readonly registry: string,
    readonly repository: string,
    /** The reference as the user wrote it, prefixed to error messages. */
    protected readonly what: string,
    private readonly options: ClientOptions = {},
  ) {
    this.http = new HttpClient(what, options.insecure);
  }

  /** GET a manifest by tag or digest; the bytes are returned as sent (not verified here). */
  async fetchManifest(reference: string): Promise<{ bytes: Buffer; contentType?: string; digestHeader?: string }> {
    const res = await this.get(`manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    if (res.status === 404) {
      const code = (await this.registryError(res)).code;
      if (code === 'NAME_UNKNOWN') throw new PlimsollError(`${this.what}: repository ${this.repository} not found on ${this.registry}`);
      throw new PlimsollError(
        reference.includes(':') ? `${this.what}: manifest ${reference} unknown (digest not found)` : `${this.what}: manifest unknown (tag not found)`,
      );
    }
    await this.expectOk(res, `manifest ${reference}`);
    const bytes = await readBody(res, MAX_JSON_BLOB, `${this.what}: manifest ${reference}`);
    const header = (name: string): string | undefined => {
      const value = res.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    return { bytes, contentType: header('content-type'), digestHeader: header('docker-content-digest') };
  }

  /** Reads a small blob (an image config) whole. */
  async readBlob(desc: Descriptor): Promise<Buffer> {
    const res = await this.getBlob(desc);
    return readBody(res, MAX_JSON_BLOB, `${this.what}: blob ${desc.digest}`);
  }

  /**
   * Opens a blob as a stream (following redirects to blob storage); reports
   * progress when asked. A connection that breaks off mid-blob is resumed
   * with a Range request, a bounded number of times.
   */
  async openBlob(desc: Descriptor): Promise<Readable> {
    const first = await this.getBlob(desc);
    const body = Readable.from(this.resumingBody(desc, first), { objectMode: false });
    const onProgress = this.options.onProgress;
    return onProgress ? withProgress(body, desc.digest, desc.size, onProgress) : body;
  }

  private async *resumingBody(desc: Descriptor, first: HttpResponse): AsyncGenerator<Buffer> {
    let res = first;
    let received = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          received += chunk.length;
          yield chunk;
        }
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const broke = new NetworkError(
          `${this.what}: download of blob ${desc.digest} broke off after ${received} bytes (${code ?? (err as Error).message}${attempt > 1 ? `, ${attempt} attempts` : ''})`,
          code,
        );
        if (attempt >= RETRY.attempts) throw broke;
        await sleep(retryDelay(attempt));
        res = await this.getBlob(desc, received);
        const resumed = received === 0 ? res.status === 200 : res.status === 206 && res.headers['content-range']?.startsWith(`bytes ${received}-`);
        if (!resumed) {
          discard(res);
          throw broke;
        }
      }
    }
  }

  close(): void {
    this.http.close();
  }

  /** GET a blob, whole or from byte `from` on (a 206 answer, checked by the caller). */
  private async getBlob(desc: Descriptor, from = 0): Promise<HttpResponse> {
    const res = await this.get(`blobs/${desc.digest}`, from > 0 ? { range: `bytes=${from}-` } : {});
    if (res.status === 404) {
      discard(res);
      throw new InputError(`${this.what}: blob ${desc.digest} not found on ${this.registry}`);
    }
    if (res.status !== 206) await this.expectOk(res, `blob ${desc.digest}`);
    return res;
  }

  /** GET /v2/REPO/PATH with the current authorization, renewing it once on a 401. */
  private async get(path: string, headers: Record<string, string>): Promise<HttpResponse> {
    return this.send(await this.repositoryUrl(path), { headers });
  }

  /** The URL of /v2/REPO/PATH on this registry. */
  protected async repositoryUrl(path: string): Promise<URL> {
    return new URL(`v2/${this.repository}/${path}`, await this.endpoint());
  }

  /** Sends a request to the registry with the current authorization, renewing it once on a 401. */
  protected async send(url: URL, init: RequestInit): Promise<HttpResponse> {
    const headers = init.headers ?? {};
    for (let renewed = false; ; renewed = true) {
      const generation = this.authGeneration;
      const state = await (this.auth ??= this.authorize());
      const res = await this.http.request(url, { ...init, headers: state.header ? { ...headers, authorization: state.header } : headers });
      if (res.status !== 401) return res;
      discard(res);
      const challenge = pickChallenge(parseChallenges(res.headers['www-authenticate']));
      if (renewed || (!state.header && !challenge)) throw this.refused(state);
      if (generation === this.authGeneration) {
        // An expired token, or a challenge with a narrower scope than the ping's.
        this.challenge = challenge ?? this.challenge;
        this.auth = undefined;
        this.authGeneration++;
      }
    }
  }

  private refused(state: AuthState): PlimsollError {
    if (!state.creds) return authenticationRequired(this.what, this.registry);
    // Basic credentials are checked by the registry itself; a Bearer token that
    // was granted but still refused means the account lacks access, not a bad password.
    if (state.scheme === 'basic') return wrongCredentials(this.registry, state.creds);
    const access = this.options.push ? 'push' : 'pull';
    return new PlimsollError(`${this.what}: ${this.registry} refused access to ${this.repository} (no ${access} permission for these credentials)`);
  }

  private async authorize(): Promise<AuthState> {
    const challenge = this.challenge;
    if (!challenge) return {};
    const creds = await (this.creds ??= lookupCredentials(this.registry, this.options));
    if (challenge.scheme === 'basic') {
      if (!creds || creds.username === undefined) throw authenticationRequired(this.what, this.registry);
      return { header: basicAuthorization(creds), creds, scheme: 'basic' };
    }
    const wanted = `repository:${this.repository}:${this.options.push ? 'pull,push' : 'pull'}`;
    const scopes = [...new Set([wanted, ...(challenge.params.scope ? [challenge.params.scope] : [])])];
    const token = await fetchBearerToken(this.http, { challenge, scopes, creds, registry: this.registry, what: this.what });
    return { header: `Bearer ${token}`, creds, scheme: 'bearer' };
  }

  /** The registry's base URL, found by pinging /v2/ (which also yields the auth challenge). */
  protected endpoint(): Promise<URL> {
    this.base ??= this.ping();
    return this.base;
  }

  private async ping(): Promise<URL> {
    if (isLoopbackRegistry(this.registry)) return this.pingAt(new URL(`http://${this.registry}/`));
    try {
      return await this.pingAt(new URL(`https://${this.registry}/`));
    } catch (err) {
      // With --insecure, a registry that speaks plain HTTP fails the TLS handshake: try HTTP.
      if (this.options.insecure && err instanceof NetworkError && err.code === 'EPROTO') return this.pingAt(new URL(`http://${this.registry}/`));
      throw err;
    }
  }

  private async pingAt(base: URL): Promise<URL> {
    const res = await this.http.request(new URL('v2/', base));
    discard(res);
    if (res.status === 401) this.challenge = pickChallenge(parseChallenges(res.headers['www-authenticate']));
    return base;
  }

  /** Throws a one-line error for any status not in `ok` (200 unless told), with the registry's own message when it sent one. */
  protected async expectOk(res: HttpResponse, object: string, ok: number[] = [200]): Promise<void> {
    if (ok.includes(res.status)) return;
    const { message } = await this.registryError(res);
    const detail = message ? `: ${message}` : '';
    if (res.status === 403) throw new PlimsollError(`${this.what}: ${this.registry} denied access to ${object} (HTTP 403${detail})`);
    throw new PlimsollError(`${this.what}: ${this.registry} answered HTTP ${res.status} for ${object}${detail}`);
  }

  /** The first entry of a Distribution error body `{"errors":[{"code","message"}]}`, when there is one. */
  protected async registryError(res: HttpResponse): Promise<{ code?: string; message?: string }> {
    try {
      const body = await readBody(res, MAX_ERROR_BODY, `${this.what}: error body`);
      const first = (JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] }).errors?.[0];
      return {
        code: typeof first?.code === 'string' ? first.code : undefined,
        message: typeof first?.message === 'string' ? first.message : undefined,
      };
    } catch {
      return {};
    }
  }
}
