import { InputError, PlimsollError } from '../errors.js';
import { INDEX_SHAPE, MANIFEST_SHAPE, checkShape } from './json-shape.js';
import type { Platform } from '../model/platform.js';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerTar: 'application/vnd.docker.image.rootfs.diff.tar',
} as const;

/** Accept header value for registries: every manifest kind Plimsoll reads. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform & { 'os.version'?: string; 'os.features'?: string[] };
}

export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/**
 * Parses a manifest or index. The kind comes from `mediaType` in the body, else
 * from the transport's content type, else from the shape (OCI allows an absent
 * mediaType).
 */
export function parseManifest(bytes: Buffer, what: string, contentType?: string): ImageManifest | ImageIndex {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new InputError(`${what}: not valid JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${what}: not a JSON object`);
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : (contentType?.split(';')[0]?.trim() ?? '');
  if (json.schemaVersion === 1) throw new InputError(`${what}: Docker schema 1 manifests are not supported`);
  const isIndex = mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList || (!mediaType && Array.isArray(json.manifests));
  if (isIndex) {
    const index = checkShape<Omit<ImageIndex, 'kind'>>(json, INDEX_SHAPE, 'index', what);
    return { kind: 'index', mediaType: mediaType || MediaType.ociIndex, manifests: index.manifests, annotations: index.annotations as Record<string, string> };
  }
  const isManifest = mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest || (!mediaType && 'config' in json);
  if (!isManifest) throw new InputError(`${what}: unsupported manifest media type "${mediaType || 'none'}"`);
  const { config, layers, annotations } = checkShape<Omit<ImageManifest, 'kind'>>(json, MANIFEST_SHAPE, 'manifest', what);
  return { kind: 'manifest', mediaType: mediaType || MediaType.ociManifest, config, layers, annotations: annotations as Record<string, string> };
}

export function formatPlatform(p: Partial<Platform> | undefined): string {
  if (!p) return 'unknown';
  return [p.os ?? '?', p.architecture ?? '?', p.variant].filter(Boolean).join('/');
}

/** Parses `os/arch[/variant]` (as `--platform` takes it). */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture) {
    throw new PlimsollError(`invalid platform "${text}": expected os/arch[/variant], e.g. linux/amd64`);
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The platform of the machine running Plimsoll, in OCI terms. */
export function hostPlatform(): Platform {
  const archMap: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return { os: 'linux', architecture: archMap[process.arch] ?? process.arch };
}

function platformMatches(want: Platform, have: Descriptor['platform']): boolean {
  if (!have || have.os !== want.os || have.architecture !== want.architecture) return false;
  if (!want.variant) return true;
  // arm64 images often omit the implied "v8" variant.
  const variant = have.variant ?? (have.architecture === 'arm64' ? 'v8' : undefined);
  return variant === want.variant;
}

/**
 * Picks the manifest for `want` (default: the host's platform) from an index.
 * Attestation manifests (`unknown/unknown`) are never chosen. When nothing
 * matches, the error lists what the index offers.
 */
export function selectPlatform(index: ImageIndex, want: Platform | undefined, what: string): Descriptor {
  const images = index.manifests.filter((d) => d.platform?.os !== 'unknown');
  const target = want ?? hostPlatform();
  const exact = images.filter((d) => platformMatches(target, d.platform));
  // Without an explicit variant, prefer the entry with none (or the first).
  const chosen = exact.find((d) => !d.platform?.variant) ?? exact[0];
  if (chosen) return chosen;
  if (!want && images.length === 1 && images[0] && !images[0].platform) return images[0];
  const offered = images.map((d) => formatPlatform(d.platform)).join(', ') || 'none';
  throw new PlimsollError(`${what}: no image for platform ${formatPlatform(target)} (the index has: ${offered}); choose one with --platform`);
}
