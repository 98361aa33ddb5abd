// Finding the stored scan of an image a pod names: by digest (`app@sha256:…`, what will run), or,
// where the policy allows, by tag among the references scans were submitted under, however they
// were spelled (`nginx:1.25`, `docker.io/library/nginx:1.25`, `docker://…`).
import { DOCKER_HUB, formatReference, parseDockerReference, parseReference, type ImageReference } from '../../image/reference.js';
import type { ImageRecord, Store } from '../store.js';
import type { Vulnerability } from '../../match/types.js';

export type StoredImage = ImageRecord & { vulnerabilities: Vulnerability[] };

export interface Lookup {
  /** What was looked up and not found, in words, for the message (`no scan with digest D in project P`). */
  missing: string;
  image?: StoredImage;
  /** How it was found, for the message: `by digest`, `by tag (scan of REF, digest D)`. */
  matched?: string;
}

type DockerRef = Extract<ImageReference, { transport: 'docker' }>;

/** Every spelling a scan of this tagged image could have been submitted under. */
export function tagSpellings(ref: DockerRef): string[] {
  const hub = ref.registry === DOCKER_HUB;
  const hosts = hub ? ['', 'docker.io/', 'index.docker.io/', `${DOCKER_HUB}/`] : [`${ref.registry}/`];
  const repos = hub && ref.repository.startsWith('library/') ? [ref.repository, ref.repository.slice('library/'.length)] : [ref.repository];
  const tags = ref.tag === 'latest' ? [':latest', ''] : [`:${ref.tag ?? ''}`];
  const canonical = formatReference(ref);
  const spellings = hosts.flatMap((h) => repos.flatMap((r) => tags.flatMap((t) => [`${h}${r}${t}`, `docker://${h}${r}${t}`])));
  // Kept only when it reads back as the same image (`library/x` alone is not a Hub spelling for every host).
  return [...new Set(spellings)].filter((s) => {
    try {
      return formatReference(parseReference(s)) === canonical;
    } catch {
      return false;
    }
  });
}

export async function lookUp(store: Store, project: string, image: string, matchTags: boolean): Promise<Lookup> {
  let ref: DockerRef;
  try {
    ref = parseDockerReference(image, image) as DockerRef;
  } catch {
    return { missing: `"${image}" is not an image reference` };
  }
  if (ref.digest) {
    const found = await store.findImage(project, { digest: ref.digest });
    return { missing: `no scan with digest ${ref.digest} in project ${project}`, ...(found ? { image: found, matched: 'by digest' } : {}) };
  }
  if (!matchTags) return { missing: 'it names no digest (image@sha256:…), and this policy finds images by digest only' };
  const name = formatReference(ref).slice('docker://'.length);
  const found = await store.findImage(project, { refs: tagSpellings(ref) });
  return {
    missing: `no scan tagged ${name} in project ${project}`,
    ...(found ? { image: found, matched: `by tag (the scan of ${found.ref}${found.digest ? `, digest ${found.digest}` : ''})` } : {}),
  };
}
