import { PlimsollError } from '../../errors.js';
import { assembleImage, type BlobStore } from '../assemble.js';
import { digestOf, parseDigest, verifyBytes } from '../digest.js';
import type { Descriptor } from '../manifest.js';
import type { ImageReference } from '../reference.js';
import { RegistryClient } from '../registry/client.js';
import type { ResolvedImage, SourceOptions } from '../types.js';

type DockerReference = Extract<ImageReference, { transport: 'docker' }>;

/**
 * Resolves `docker://HOST/REPO[:TAG|@DIGEST]` from a registry (Distribution /
 * OCI distribution API). A tag's manifest digest is the sha256 of the bytes
 * received (checked against Docker-Content-Digest when sent); a digest
 * reference is verified. Layers are opened lazily, one request each.
 */
export async function openRegistryImage(ref: DockerReference, refText: string, options: SourceOptions): Promise<ResolvedImage> {
  if (options.offline) {
    throw new PlimsollError(`${refText}: reading from registry ${ref.registry} needs the network, but --offline is set`);
  }
  const client = new RegistryClient(ref.registry, ref.repository, refText, options);
  try {
    const fetched = new Map<string, { bytes: Buffer; contentType?: string }>();
    let root: Descriptor;
    if (ref.digest) {
      parseDigest(ref.digest, refText);
      root = { mediaType: '', digest: ref.digest, size: 0 };
    } else {
      const tag = ref.tag ?? 'latest';
      const { bytes, contentType, digestHeader } = await client.fetchManifest(tag);
      if (digestHeader && /^sha(256|512):/.test(digestHeader)) verifyBytes(bytes, digestHeader, `${refText}: manifest (Docker-Content-Digest)`);
      root = { mediaType: contentType ?? '', digest: digestOf(bytes), size: bytes.length };
      fetched.set(root.digest, { bytes, contentType });
    }
    const store: BlobStore = {
      readManifest: async (desc) => fetched.get(desc.digest) ?? client.fetchManifest(desc.digest),
      readBlob: (desc) => client.readBlob(desc),
      openBlob: (desc) => client.openBlob(desc),
    };
    return await assembleImage({
      ref: refText,
      transport: 'docker',
      what: refText,
      root,
      store,
      platform: options.platform,
      ...(options.skipVerify ? { skipVerify: true } : {}),
      ...(ref.digest ? { rootSizeUnknown: true } : {}),
      close: async () => client.close(),
    });
  } catch (err) {
    client.close();
    throw err;
  }
}
