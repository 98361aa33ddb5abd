import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InputError, PlimsollError } from '../../errors.js';
import { MAX_JSON_BLOB, assembleImage, type BlobStore } from '../assemble.js';
import { parseDigest } from '../digest.js';
import { parseManifest, type Descriptor } from '../manifest.js';
import type { ResolvedImage, SourceOptions } from '../types.js';

/** Blob read size: fewer, larger reads keep the decompressor busy. */
export const READ_CHUNK = 1024 * 1024;
const REF_NAME = 'org.opencontainers.image.ref.name';

/** How an OCI layout's files are read: from a directory, or from members of an archive. */
export interface LayoutReader {
  /** Reads a small file of the layout (index.json, oci-layout, manifests, configs); undefined when absent. */
  readFile(path: string, limit: number): Promise<Buffer | undefined>;
  openFile(path: string): Promise<Readable | undefined>;
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
    tag === undefined ? `${what}: the layout holds ${manifests.length} images; name one by tag (tags: ${offered})` : `${what}: no image tagged "${tag}" (tags: ${offered})`,
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
      const stream = await reader.openFile(blobPath(desc.digest, what));
      if (!stream) throw new InputError(`${what}: blob ${desc.digest} is missing`);
      return stream;
    },
  };
  return assembleImage({ ref: args.ref, transport: args.transport, what, root, store, platform: args.options.platform, close: args.close });
}

function directoryReader(dir: string, what: string): LayoutReader {
  return {
    async readFile(path, limit) {
      const file = join(dir, path);
      try {
        const info = await stat(file);
        if (info.size > limit) throw new InputError(`${what}: ${path} is too large (${info.size} bytes)`);
        return await readFile(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async openFile(path) {
      const file = join(dir, path);
      try {
        await stat(file);
      } catch {
        return undefined;
      }
      return createReadStream(file, { highWaterMark: READ_CHUNK });
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
