import { PlimsollError } from '../errors.js';

/** A parsed image reference: one of the transports of the DESIGN's table. */
export type ImageReference =
  | { transport: 'oci'; path: string; tag?: string }
  | { transport: 'oci-archive'; path: string; tag?: string }
  | { transport: 'docker-archive'; path: string; name?: string }
  | { transport: 'dir'; path: string }
  | { transport: 'docker'; registry: string; repository: string; tag?: string; digest?: string };

export const DOCKER_HUB = 'registry-1.docker.io';
const KNOWN_TRANSPORTS = ['oci', 'oci-archive', 'docker-archive', 'dir', 'docker'];

/**
 * Splits `PATH[:SUFFIX]` the way skopeo does: the suffix starts at the last
 * colon, but only when what follows contains no slash (so `oci:/a:b/c` is a path).
 */
function splitPathSuffix(rest: string): [string, string | undefined] {
  const i = rest.lastIndexOf(':');
  if (i <= 0 || rest.slice(i + 1).includes('/')) return [rest, undefined];
  return [rest.slice(0, i), rest.slice(i + 1) || undefined];
}

export function parseReference(ref: string): ImageReference {
  if (ref.trim() === '') throw new PlimsollError('empty image reference');
  const m = /^([a-z][a-z-]*):(.*)$/.exec(ref);
  const transport = m?.[1];
  const rest = m?.[2] ?? '';
  switch (transport) {
    case 'oci':
    case 'oci-archive': {
      const [path, tag] = splitPathSuffix(rest);
      return { transport, path, tag };
    }
    case 'docker-archive': {
      // As skopeo: the path ends at the first colon, the rest is NAME:TAG.
      const colon = rest.indexOf(':');
      if (colon < 0) return { transport, path: rest };
      return { transport, path: rest.slice(0, colon), name: rest.slice(colon + 1) || undefined };
    }
    case 'dir':
      return { transport, path: rest };
    case 'docker':
      if (!rest.startsWith('//')) throw new PlimsollError(`invalid reference "${ref}": docker transport needs docker://HOST/REPO`);
      return parseDockerReference(rest.slice(2), ref);
  }
  try {
    return parseDockerReference(ref, ref);
  } catch (err) {
    // `name:rest` that is no image name either: a transport Plimsoll does not know.
    if (transport && !looksLikeHostPort(ref)) {
      throw new PlimsollError(`unknown transport "${transport}" in "${ref}" (known: ${KNOWN_TRANSPORTS.join(', ')})`);
    }
    throw err;
  }
}

/** `localhost:5000/x` and `127.0.0.1:5000/x` are registry references, not transports. */
function looksLikeHostPort(ref: string): boolean {
  return /^[a-z0-9.-]+:\d+\//i.test(ref);
}

const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** Parses the docker reference grammar (distribution/reference), with Docker Hub defaults. */
export function parseDockerReference(text: string, original: string): ImageReference {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new PlimsollError(`invalid digest in reference "${original}"`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new PlimsollError(`invalid tag "${tag}" in reference "${original}"`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (
    parts.length > 1 &&
    /^(?:localhost|\[[0-9a-f:]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)+|[a-z0-9-]+)(?::\d+)?$/i.test(first) &&
    (first.includes('.') || first.includes(':') || first === 'localhost')
  ) {
    registry = first;
    parts.shift();
  }
  if (registry === 'docker.io' || registry === 'index.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  if (parts.length === 0 || parts.some((p) => !NAME_COMPONENT.test(p))) {
    throw new PlimsollError(`invalid image reference "${original}"`);
  }
  if (!tag && !digest) tag = 'latest';
  return { transport: 'docker', registry, repository: parts.join('/'), tag, digest };
}

export function formatReference(ref: ImageReference): string {
  switch (ref.transport) {
    case 'docker':
      return `docker://${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
    case 'docker-archive':
      return `docker-archive:${ref.path}${ref.name ? `:${ref.name}` : ''}`;
    case 'dir':
      return `dir:${ref.path}`;
    default:
      return `${ref.transport}:${ref.path}${ref.tag ? `:${ref.tag}` : ''}`;
  }
}
