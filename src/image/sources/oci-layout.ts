import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InputError, PlimsollError } from '../../errors.js';
import { MAX_JSON_BLOB, assembleImage, type BlobStore } from '../assemble.js';
import { parseDigest } from '../digest.js';
import { parseManifest, type Descriptor } from '../manifest.js';
import { READ_CHUNK, openRegularFile } from '../regular-file.js';
import type { ResolvedImage, SourceOptions } from '../types.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

/** How an OCI layout's files are read: from a directory, or from members of an archive. */
export interface LayoutReader {
  /** Reads a small file of the layout (index.json, oci-layout, manifests, configs); undefined when absent. */
  readFile(path: string, limit: number): Promise<Buffer | undefined>;
  /** Streams a blob, at most `limit` bytes of it (its descriptor's size: nothing past it is read). */
  openFile(path: string, limit: number): Promise<Readable | undefined>;
}

export function blobPath(digest: string, what: string): string {
  const { algorithm, hex } = parseDigest(digest, what);
  return `blobs/${algorithm}/${hex}`;
}

/**
 * Picks the descriptor in index.json for `tag` (its ref.name annotation),
 * or the only one when no tag is given.
 */
export function selectTagged(manifests: Descriptor[], tag: string | undefined, what: string): Descriptor {
  if (tag !== undefined) {
    const found = manifests.find((d) => d.annotations?.[REF_NAME] === tag);
    if (found) return found;
  } else if (manifests.length === 1 && manifests[0]) return manifests[0];
  const tags = manifests.map((d) => d.annotations?.[REF_NAME]).filter(Boolean);
  const offered = tags.length > 0 ? tags.join(', ') : 'none';
  throw new PlimsollError(
    tag === undefined
      ? `${what}: the layout holds ${manifests.length} images; name one by tag (tags: ${offered})`
      : `${what}: no image tagged "${tag}" (tags: ${offered})`,
  );
}

/** Resolves an image from an OCI layout, whatever holds its files. */
export async function resolveLayout(
  reader: LayoutReader,
  args: { ref: string; transport: string; tag?: string; what: string; options: SourceOptions; close(): Promise<void> },
): Promise<ResolvedImage> {
  const { what } = args;
  const indexBytes = await reader.readFile('index.json', MAX_JSON_BLOB);
  if (!indexBytes) throw new InputError(`${what}: not an OCI image layout (no index.json)`);
  const index = parseManifest(indexBytes, `${what}: index.json`, 'application/vnd.oci.image.index.v1+json');
  if (index.kind !== 'index') throw new InputError(`${what}: index.json is not an image index`);
  const root = selectTagged(index.manifests, args.tag, what);
  const readBlob = async (desc: Descriptor): Promise<Buffer> => {
    const bytes = await reader.readFile(blobPath(desc.digest, what), MAX_JSON_BLOB);
    if (!bytes) throw new InputError(`${what}: blob ${desc.digest} is missing`);
    return bytes;
  };
  const store: BlobStore = {
    readManifest: async (desc) => ({ bytes: await readBlob(desc) }),
    readBlob,
    openBlob: async (desc) => {
      const stream = await reader.openFile(blobPath(desc.digest, what), desc.size);
      if (!stream) throw new InputError(`${what}: blob ${desc.digest} is missing`);
      return stream;
    },
  };
  return assembleImage({
    ref: args.ref,
    transport: args.transport,
    what,
    root,
    store,
    platform: args.options.platform,
    skipVerify: args.options.skipVerify === true,
    close: args.close,
  });
}

function directoryReader(dir: string, what: string): LayoutReader {
  return {
    async readFile(path, limit) {
      const opened = await openRegularFile(join(dir, path), what);
      if (!opened) return undefined;
      try {
        if (opened.size > limit) throw new InputError(`${what}: ${path} is too large (${opened.size} bytes)`);
        const body = Buffer.alloc(opened.size);
        const { bytesRead } = await opened.handle.read(body, 0, opened.size, 0);
        return body.subarray(0, bytesRead);
      } finally {
        await opened.handle.close();
      }
    },
    async openFile(path, limit) {
      const opened = await openRegularFile(join(dir, path), what);
      if (!opened) return undefined;
      if (limit <= 0 || opened.size === 0) {
        await opened.handle.close();
        return Readable.from([]);
      }
      return opened.handle.createReadStream({ start: 0, end: limit - 1, highWaterMark: READ_CHUNK });
    },
  };
}

export async function openOciLayout(path: string, tag: string | undefined, ref: string, options: SourceOptions): Promise<ResolvedImage> {
  const what = ref;
  try {
    if (!(await stat(path)).isDirectory()) throw new InputError(`${what}: ${path} is not a directory`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${what}: ${path} does not exist`);
  }
  return resolveLayout(directoryReader(path, what), { ref, transport: 'oci', tag, what, options, close: async () => undefined });
}
