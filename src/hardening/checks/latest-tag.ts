// The `latest` tag (written or implied): the same reference names different images over time.
import { parseReference } from '../../image/reference.js';
import type { Check } from '../check.js';

/** The tag a reference names: explicit, or `latest` implied by a registry reference without tag or digest. */
export function referenceTag(ref: string): string | undefined {
  const parsed = parseReference(ref);
  switch (parsed.transport) {
    case 'docker':
      return parsed.tag ?? (parsed.digest ? undefined : 'latest');
    case 'oci':
    case 'oci-archive':
      return parsed.tag;
    case 'docker-archive':
      return parsed.name?.includes(':') ? parsed.name.slice(parsed.name.lastIndexOf(':') + 1) : undefined;
    default:
      return undefined;
  }
}

export const latestTagCheck: Check = {
  id: 'PLM-LATEST-TAG',
  group: 'config',
  run(ctx) {
    if (referenceTag(ctx.image.ref) !== 'latest') return [];
    return [
      {
        id: this.id,
        kind: 'config',
        severity: 'LOW',
        title: 'Image referenced by the `latest` tag',
        evidence: ctx.image.ref,
        origin: 'own',
        remediation: 'Deploy by a version tag or, better, by digest (`name@sha256:...`), so what was scanned is what runs.',
      },
    ];
  },
};
