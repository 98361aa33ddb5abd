// Writing to a registry (OCI distribution spec, "push"): each blob by a POST that opens an upload
// and one monolithic PUT that completes it, skipped when a HEAD finds the blob already there;
// then the manifest, by tag. Authentication asks for `repository:REPO:pull,push`.
import { PlimsollError } from '../../errors.js';
import { digestOf } from '../digest.js';
import type { Descriptor } from '../manifest.js';
import { RegistryClient, type ClientOptions } from './client.js';
import { discard, type ReopenableBody } from './http.js';

export class RegistryPusher extends RegistryClient {
  constructor(registry: string, repository: string, what: string, options: Omit<ClientOptions, 'push' | 'onProgress'> = {}) {
    super(registry, repository, what, { ...options, push: true });
  }

  /** Whether the repository already holds the blob (HEAD /v2/REPO/blobs/DIGEST). */
  async hasBlob(digest: string): Promise<boolean> {
    const res = await this.send(await this.repositoryUrl(`blobs/${digest}`), { method: 'HEAD' });
    if (res.status === 200 || res.status === 404) {
      discard(res);
      return res.status === 200;
    }
    await this.expectOk(res, `blob ${digest}`);
    return false;
  }

  /**
   * Uploads a blob unless the repository has it; returns whether it was sent. The registry
   * checks the bytes against `desc.digest` and refuses the upload when they differ.
   */
  async uploadBlob(desc: Pick<Descriptor, 'digest' | 'size'>, body: Buffer | ReopenableBody): Promise<boolean> {
    if (await this.hasBlob(desc.digest)) return false;
    const startUrl = await this.repositoryUrl('blobs/uploads/');
    const start = await this.send(startUrl, { method: 'POST', headers: { 'content-length': '0' } });
    await this.expectOk(start, `upload of blob ${desc.digest}`, [202]);
    discard(start);
    const location = start.headers.location;
    if (!location) throw new PlimsollError(`${this.what}: ${this.registry} opened an upload without a Location`);
    const url = new URL(location, startUrl);
    // The upload carries our credentials: it must stay on the registry that asked for them.
    if (url.origin !== startUrl.origin)
      throw new PlimsollError(`${this.what}: ${this.registry} sent the upload to another host (${url.host}), which Plimsoll does not follow`);
    url.searchParams.set('digest', desc.digest);
    const put = await this.send(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
      body,
    });
    await this.expectOk(put, `blob ${desc.digest}`, [201]);
    discard(put);
    return true;
  }

  /** PUTs a manifest under a tag; returns its digest (checked against the registry's Docker-Content-Digest). */
  async putManifest(tag: string, mediaType: string, bytes: Buffer): Promise<string> {
    const digest = digestOf(bytes);
    const res = await this.send(await this.repositoryUrl(`manifests/${tag}`), { method: 'PUT', headers: { 'content-type': mediaType }, body: bytes });
    await this.expectOk(res, `manifest ${tag}`, [201]);
    discard(res);
    const stored = res.headers['docker-content-digest'];
    if (typeof stored === 'string' && stored !== digest) {
      throw new PlimsollError(`${this.what}: ${this.registry} stored the manifest as ${stored}, but its bytes are ${digest}`);
    }
    return digest;
  }
}
