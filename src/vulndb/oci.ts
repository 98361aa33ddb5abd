// `db push REF` / `db update --from oci://REF`: the `db export` file as an OCI artifact, so a
// database built once at the edge travels through the registry every site already runs. The pull
// checks the blob's digest as it arrives, then installs through `db import`'s own checks.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError, PlimsollError, errorMessage } from '../errors.js';
import { digestOf, parseDigest, VerifyingStream, verifyBytes } from '../image/digest.js';
import { MediaType, parseManifest, type Descriptor } from '../image/manifest.js';
import { parseDockerReference, type ImageReference } from '../image/reference.js';
import { RegistryClient } from '../image/registry/client.js';
import { RegistryPusher } from '../image/registry/push.js';
import type { SourceOptions } from '../image/types.js';
import { runDbExport, runDbImport, type DbManifest } from './archive.js';
import { databasePath, openDatabase } from './database.js';
import { resolveDbDir, type DbOptions } from './options.js';
import { DB_FILE } from './schema.js';

export const DB_ARTIFACT_TYPE = 'application/vnd.plimsoll.db.v1';
export const DB_LAYER_TYPE = 'application/vnd.plimsoll.db.layer.v1.tar+gzip';
/** The OCI empty descriptor: artifacts without a config point at the two bytes `{}`. */
const EMPTY_CONFIG_BYTES = Buffer.from('{}');
const EMPTY_CONFIG: Descriptor = { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(EMPTY_CONFIG_BYTES), size: EMPTY_CONFIG_BYTES.length };
export const DB_ANNOTATIONS = {
  schemaVersion: 'dev.plimsoll.db.schema-version',
  builtAt: 'dev.plimsoll.db.built-at',
  sha256: 'dev.plimsoll.db.sha256',
} as const;
const LAYER_TITLE = 'plimsoll-db.tar.gz';

/** Registry access, as the image commands take it (plain HTTP for loopback registries). */
export type DbRegistryOptions = DbOptions & Pick<SourceOptions, 'username' | 'password' | 'insecure' | 'dockerConfigDir'>;

export interface DbPushResult {
  /** The reference as given. */
  ref: string;
  /** Digest of the artifact's manifest: `REGISTRY/REPO@DIGEST` names this push for good. */
  digest: string;
  layer: Descriptor;
  /** False when the registry already held this very export (a HEAD found the blob). */
  layerUploaded: boolean;
  manifest: DbManifest;
}

export interface DbPullResult {
  ref: string;
  digest: string;
  /** The installed database file. */
  path: string;
  manifest: DbManifest;
}

type DockerReference = Extract<ImageReference, { transport: 'docker' }>;

/** `REGISTRY/REPO:TAG` or `REGISTRY/REPO@DIGEST`, with or without `oci://` in front. */
function parseDbReference(text: string): DockerReference {
  const bare = text.replace(/^oci:\/\//, '');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(bare)?.[1];
  if (scheme) throw new PlimsollError(`${text}: expected oci://REGISTRY/REPO:TAG, not a ${scheme}:// address`);
  return parseDockerReference(bare, text) as DockerReference;
}

/** Exports the database and pushes it as an OCI artifact: empty config, one layer, tagged `TAG`. */
export async function runDbPush(target: string, options: DbRegistryOptions = {}): Promise<DbPushResult> {
  const ref = parseDbReference(target);
  if (ref.digest || !ref.tag) throw new PlimsollError(`${target}: db push needs a tag (REGISTRY/REPO:TAG), not a digest`);
  if (options.offline) throw new PlimsollError(`${target}: pushing to registry ${ref.registry} needs the network, but --offline is set`);
  const dbDir = resolveDbDir(options.dbDir);
  openDatabase(dbDir).close(); // no database, or a damaged one: say so before contacting the registry
  const file = join(dbDir, `${DB_FILE}.push-${process.pid}.tar.gz`);
  const pusher = new RegistryPusher(ref.registry, ref.repository, target, options);
  try {
    // The small config first: wrong credentials or a read-only account fail before the export's work.
    await pusher.uploadBlob(EMPTY_CONFIG, EMPTY_CONFIG_BYTES);
    const manifest = await runDbExport(file, { dbDir, quiet: options.quiet, messages: options.messages });
    const layer: Descriptor = { mediaType: DB_LAYER_TYPE, ...(await describeFile(file)), annotations: { 'org.opencontainers.image.title': LAYER_TITLE } };
    const layerUploaded = await pusher.uploadBlob(layer, { open: () => createReadStream(file) });
    const artifact = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: DB_ARTIFACT_TYPE,
      config: EMPTY_CONFIG,
      layers: [layer],
      annotations: {
        'org.opencontainers.image.created': manifest.builtAt,
        [DB_ANNOTATIONS.schemaVersion]: String(manifest.schemaVersion),
        [DB_ANNOTATIONS.builtAt]: manifest.builtAt,
        [DB_ANNOTATIONS.sha256]: `sha256:${manifest.sha256}`,
      },
    };
    const digest = await pusher.putManifest(ref.tag, MediaType.ociManifest, Buffer.from(JSON.stringify(artifact)));
    return { ref: target, digest, layer, layerUploaded, manifest };
  } finally {
    pusher.close();
    rmSync(file, { force: true });
  }
}

async function describeFile(file: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/**
 * `db update --from oci://REGISTRY/REPO:TAG`: fetches the artifact `db push` made, verifying the
 * layer's digest as it streams to a file in the database directory, then installs it as
 * `db import` does (manifest, sha256, schema, integrity). The previous database stays until then.
 */
export async function pullDbFromRegistry(from: string, options: DbRegistryOptions = {}): Promise<DbPullResult> {
  const ref = parseDbReference(from);
  if (options.offline)
    throw new PlimsollError(`${from}: pulling the database from registry ${ref.registry} needs the network, but --offline is set; use 'db import FILE'`);
  const dbDir = resolveDbDir(options.dbDir);
  try {
    mkdirSync(dbDir, { recursive: true });
  } catch (err) {
    throw new PlimsollError(`${dbDir}: cannot create the database directory: ${errorMessage(err)}`);
  }
  const file = join(dbDir, `${DB_FILE}.pull-${process.pid}.tar.gz`);
  const client = new RegistryClient(ref.registry, ref.repository, from, options);
  try {
    const { digest, layer } = await resolveArtifact(client, ref, from);
    try {
      await pipeline(await client.openBlob(layer), new VerifyingStream(layer.digest, `${from}: layer`, layer.size), createWriteStream(file));
    } catch (err) {
      if (err instanceof PlimsollError) throw err;
      throw new PlimsollError(`${from}: cannot save the download to ${file}: ${errorMessage(err)}`);
    }
    const manifest = await runDbImport(file, { dbDir, quiet: options.quiet, messages: options.messages }, from);
    return { ref: from, digest, path: databasePath(dbDir), manifest };
  } finally {
    client.close();
    rmSync(file, { force: true });
  }
}

/** Fetches the manifest and checks that it is a Plimsoll database artifact; returns its digest and layer. */
async function resolveArtifact(client: RegistryClient, ref: DockerReference, from: string): Promise<{ digest: string; layer: Descriptor }> {
  const what = `${from}: manifest`;
  const { bytes, contentType, digestHeader } = await client.fetchManifest(ref.digest ?? ref.tag ?? 'latest');
  if (ref.digest) verifyBytes(bytes, ref.digest, what);
  else if (digestHeader && /^sha(256|512):/.test(digestHeader)) verifyBytes(bytes, digestHeader, `${what} (Docker-Content-Digest)`);
  const parsed = parseManifest(bytes, what, contentType);
  const notDb = (found: string) => new InputError(`${from}: not a Plimsoll database (${found}; expected artifact type ${DB_ARTIFACT_TYPE})`);
  if (parsed.kind === 'index') throw notDb(`an index, media type ${parsed.mediaType}`);
  const { artifactType } = JSON.parse(bytes.toString('utf8')) as { artifactType?: unknown };
  if (typeof artifactType === 'string' && artifactType !== DB_ARTIFACT_TYPE) throw notDb(`artifact type ${artifactType}`);
  if (artifactType === undefined && parsed.config.mediaType !== DB_ARTIFACT_TYPE) throw notDb(`config media type ${parsed.config.mediaType}`);
  const layer = parsed.layers[0];
  if (parsed.layers.length !== 1 || !layer || layer.mediaType !== DB_LAYER_TYPE) {
    throw new InputError(`${from}: expected one layer of media type ${DB_LAYER_TYPE}, found ${parsed.layers.map((l) => l.mediaType).join(', ') || 'none'}`);
  }
  parseDigest(layer.digest, `${from}: layer`);
  return { digest: ref.digest ?? digestOf(bytes), layer };
}
