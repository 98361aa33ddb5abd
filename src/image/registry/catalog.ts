// Listing a registry (Distribution API v2): its repositories (GET /v2/_catalog) and a repository's
// tags (GET /v2/NAME/tags/list), each a page of `n` at a time, the next page named by the answer's
// `Link: <...>; rel="next"` header. Every page and every name is bounded.
import { PlimsollError } from '../../errors.js';
import { RegistryClient, type ClientOptions } from './client.js';
import { readBody } from './http.js';

/** Names asked for per page; a registry may answer fewer. */
const PAGE = 100;
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** A registry that keeps answering pages is cut off here rather than listed forever. */
const MAX_PAGES = 10_000;

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the request URL. */
export function nextLink(header: string | string[] | undefined, base: URL): URL | undefined {
  for (const value of [header ?? []].flat()) {
    for (const m of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
      if (/;\s*rel="?next"?/i.test(m[2] ?? '')) return new URL(m[1] as string, base);
    }
  }
  return undefined;
}

export class RegistryLister extends RegistryClient {
  constructor(
    registry: string,
    what: string,
    options: Omit<ClientOptions, 'push' | 'onProgress'> = {},
    private readonly pageSize = PAGE,
  ) {
    // The repository is only the pull scope asked of a token service; catalog pages ask their own.
    super(registry, 'catalog', what, options);
  }

  /** Every repository on the registry, in the registry's order. */
  repositories(): AsyncGenerator<string> {
    return this.pages(async () => new URL(`v2/_catalog?n=${this.pageSize}`, await this.endpoint()), 'repositories', 'the catalog');
  }

  /** Every tag of one repository. */
  tags(repository: string): AsyncGenerator<string> {
    return this.pages(async () => new URL(`v2/${repository}/tags/list?n=${this.pageSize}`, await this.endpoint()), 'tags', `the tags of ${repository}`);
  }

  private async *pages(first: () => Promise<URL>, field: 'repositories' | 'tags', object: string): AsyncGenerator<string> {
    let url: URL | undefined = await first();
    for (let page = 0; url; page++) {
      if (page >= MAX_PAGES) throw new PlimsollError(`${this.what}: ${object} runs past ${MAX_PAGES} pages`);
      const res = await this.send(url, { headers: { accept: 'application/json' } });
      // A repository with no tags left answers 404 NAME_UNKNOWN on some registries: nothing to list.
      if (res.status === 404 && field === 'tags') {
        await this.registryError(res);
        return;
      }
      await this.expectOk(res, object);
      const body = await readBody(res, MAX_PAGE_BYTES, `${this.what}: ${object}`);
      let names: unknown;
      try {
        names = (JSON.parse(body.toString('utf8')) as Record<string, unknown>)[field];
      } catch {
        throw new PlimsollError(`${this.what}: ${object}: not a JSON answer`);
      }
      if (names !== null && names !== undefined && (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && n.length <= 4096))) {
        throw new PlimsollError(`${this.what}: ${object}: "${field}" is not a list of names`);
      }
      yield* (names ?? []) as string[];
      const next = nextLink(res.headers.link, url);
      // The credentials go with the next request: never to another origin.
      if (next && next.origin !== url.origin) throw new PlimsollError(`${this.what}: ${object}: the next page is on another origin (${next.origin})`);
      url = next;
    }
  }
}
