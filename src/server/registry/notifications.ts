// The CNCF distribution registry's notifications (docs/about/notifications.md): an envelope
// `{ "events": [...] }` sent as application/vnd.docker.distribution.events.v1+json (v2+json from
// distribution 3). A push of an image manifest becomes a scan; everything else — pulls, deletes,
// blob pushes, and an index's push (its platform manifests are pushed, and notified, one by one
// before it) — is ignored. Events are read leniently: one the server cannot use is counted and
// skipped, since a refused envelope would only be sent again and again by the registry.
import { InputError } from '../../errors.js';
import { MediaType } from '../../image/manifest.js';
import type { RegistryConfig } from './config.js';
import type { ScanJobPayload } from './scan-job.js';

export const NOTIFICATION_TYPES = ['application/vnd.docker.distribution.events.v1+json', 'application/vnd.docker.distribution.events.v2+json'];

const IMAGE_MANIFESTS = new Set<string>([MediaType.ociManifest, MediaType.dockerManifest]);
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^\w[\w.-]{0,127}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface NotificationScans {
  scans: ScanJobPayload[];
  ignored: number;
}

/** The scans an envelope asks for, each digest once. */
export function scansFromNotification(envelope: unknown, registry: RegistryConfig): NotificationScans {
  if (!isObject(envelope) || !Array.isArray(envelope.events)) throw new InputError('not a registry notification envelope ({ "events": [...] })');
  const scans = new Map<string, ScanJobPayload>();
  let ignored = 0;
  for (const event of envelope.events) {
    const target = isObject(event) && event.action === 'push' && isObject(event.target) ? event.target : undefined;
    const { mediaType, repository, digest, tag } = target ?? {};
    if (
      typeof mediaType !== 'string' ||
      !IMAGE_MANIFESTS.has(mediaType) ||
      typeof repository !== 'string' ||
      repository.length > 255 ||
      !REPOSITORY.test(repository) ||
      typeof digest !== 'string' ||
      !DIGEST.test(digest) ||
      scans.has(digest)
    ) {
      ignored++;
      continue;
    }
    const named = typeof tag === 'string' && TAG.test(tag) ? { tag } : {};
    scans.set(digest, { registry: registry.name, repository, digest, ...named, project: registry.project });
  }
  return { scans: [...scans.values()], ignored };
}
