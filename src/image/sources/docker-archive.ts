import { InputError, PlimsollError } from '../../errors.js';
import { ArchiveIndex, type ArchiveMember } from '../archive-index.js';
import { MAX_JSON_BLOB, parseConfig, platformOf, verified } from '../assemble.js';
import { VerifyingStream, digestOf } from '../digest.js';
import { DOCKER_ARCHIVE_SHAPE, checkShape } from '../json-shape.js';
import { MediaType } from '../manifest.js';
import { parseDockerReference } from '../reference.js';
import type { LayerBlob, ResolvedImage, SourceOptions } from '../types.js';
import { verifyDiffIdCount, type Verification } from '../verify.js';

interface ArchiveManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** A content-addressed name (`<hex>.tar`, `blobs/sha256/<hex>`, `<hex>.json`) carries its digest. */
function digestFromName(name: string): string | undefined {
  const m = /(?:^|\/)([a-f0-9]{64})(?:\.tar|\.json)?$/.exec(name);
  return m ? `sha256:${m[1]}` : undefined;
}

function canonicalName(name: string): string | undefined {
  try {
    const ref = parseDockerReference(name, name);
    return ref.transport === 'docker' ? `${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'}` : undefined;
  } catch {
    return undefined;
  }
}

function selectEntry(entries: ArchiveManifestEntry[], name: string | undefined, what: string): ArchiveManifestEntry {
  if (name === undefined) {
    if (entries.length === 1 && entries[0]) return entries[0];
  } else {
    const want = canonicalName(name);
    const found = entries.find((e) => (e.RepoTags ?? []).some((t) => t === name || (want && canonicalName(t) === want)));
    if (found) return found;
  }
  const tags = entries.flatMap((e) => e.RepoTags ?? []);
  const offered = tags.length > 0 ? tags.join(', ') : 'none';
  throw new PlimsollError(
    name === undefined
      ? `${what}: the archive holds ${entries.length} images; name one as FILE:NAME:TAG (tags: ${offered})`
      : `${what}: no image named "${name}" (tags: ${offered})`,
  );
}

function parseArchiveManifest(bytes: Buffer, what: string): ArchiveManifestEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InputError(`${what}: manifest.json is not valid JSON`);
  }
  const entries = checkShape<ArchiveManifestEntry[]>(json, DOCKER_ARCHIVE_SHAPE, 'manifest.json', `${what}: not a docker save manifest`);
  if (entries.length === 0) throw new InputError(`${what}: manifest.json lists no images`);
  return entries;
}

/**
 * The manifest skopeo derives for a docker-archive image (schema 2, layers
 * named by their diff IDs), so `artifact.digest` matches `skopeo inspect`.
 */
function derivedManifest(config: { digest: string; size: number }, layers: { digest: string; size: number }[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: l.size, digest: l.digest })),
  });
}

/** A `docker save` tarball (legacy `<id>/layer.tar` or OCI-blob layout), read in place. */
export async function openDockerArchive(path: string, name: string | undefined, ref: string, options: SourceOptions): Promise<ResolvedImage> {
  const what = ref;
  const verification: Verification = { skipVerify: options.skipVerify === true, warnings: [] };
  const archive = await ArchiveIndex.open(path, what);
  const manifestMember = archive.find('manifest.json');
  if (!manifestMember) throw new InputError(`${what}: not a docker-archive (no manifest.json)`);
  const entry = selectEntry(parseArchiveManifest(await archive.read(manifestMember, MAX_JSON_BLOB, what), what), name, what);

  const member = (file: string): ArchiveMember => {
    const found = archive.find(file);
    if (!found) throw new InputError(`${what}: ${file} is missing from the archive`);
    return found;
  };
  const configBytes = await archive.read(member(entry.Config), MAX_JSON_BLOB, what);
  const configDigest = digestOf(configBytes);
  const namedConfig = digestFromName(entry.Config);
  if (namedConfig && namedConfig !== configDigest)
    throw new InputError(`${what}: config ${entry.Config}: digest mismatch: expected ${namedConfig}, got ${configDigest}`);
  const config = parseConfig(configBytes, what);
  const diffIds = config.rootfs?.diff_ids ?? [];
  verifyDiffIdCount(verification, what, diffIds, entry.Layers.length);

  const layers: LayerBlob[] = entry.Layers.map((file, i) => {
    const layerMember = member(file);
    const diffId = diffIds[i];
    // Named blobs are checked against their name; legacy layer.tar files are plain tars, so their digest is the diff ID.
    const expected = digestFromName(file) ?? diffId;
    if (!expected) throw new InputError(`${what}: layer ${file} has no diff ID in the config and no digest in its name`);
    return {
      digest: diffId ?? expected,
      ...(diffId ? { diffId } : {}),
      mediaType: MediaType.dockerLayerTar,
      size: layerMember.size,
      open: async () => verified(archive.stream(layerMember), new VerifyingStream(expected, `${what}: layer ${file}`, layerMember.size)),
    };
  });
  const manifestDigest = digestOf(
    derivedManifest(
      { digest: configDigest, size: configBytes.length },
      layers.map((l) => ({ digest: l.digest, size: l.size ?? 0 })),
    ),
  );
  return {
    ...verification,
    ref,
    transport: 'docker-archive',
    digest: manifestDigest,
    manifestDigest,
    configDigest,
    manifestMediaType: MediaType.dockerManifest,
    platform: platformOf(config),
    config,
    layers,
    close: async () => undefined,
  };
}
