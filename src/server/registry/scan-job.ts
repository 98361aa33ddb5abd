// A registry scan job: the server pulls one image (by digest) from a configured registry with that
// registry's credentials, scans it here, on premises, as `image --server` would (inventory and secret
// scanner), and stores it as that client's submission would be — the same SBOM with the same facts
// (client.ts sbomForServer, imageFacts), read back and matched (submit.ts). The payload
// is plain JSON, so any job queue can carry it.
import { performance } from 'node:perf_hooks';
import { PlimsollError } from '../../errors.js';
import { parseReference, type ImageReference } from '../../image/reference.js';
import { openRegistryImage } from '../../image/sources/registry.js';
import { scanResolved } from '../../scan.js';
import { imageFacts, sbomForServer } from '../client.js';
import type { JobContext } from '../jobs.js';
import { readSbom } from '../sbom.js';
import { submitInventory } from '../submit.js';
import type { RegistryConfig } from './config.js';

export interface ScanJobPayload {
  /** The configured registry's name. */
  registry: string;
  repository: string;
  /** The image manifest's digest. */
  digest: string;
  /** The tag it was pushed or found under, when known: it only names the image. */
  tag?: string;
  project: string;
  /** Scan even when the project already holds this digest (a full catalog rescan). */
  rescan?: boolean;
}

export function configuredRegistry(ctx: Pick<JobContext, 'registries'>, name: string): RegistryConfig {
  const registry = ctx.registries.find((r) => r.name === name);
  if (!registry) throw new PlimsollError(`registry "${name}" is not configured`);
  return registry;
}

/** The reference the stored image is named by: host/repository[:tag]@digest. */
function imageReference(registry: RegistryConfig, payload: Pick<ScanJobPayload, 'repository' | 'digest' | 'tag'>): string {
  return `${registry.host}/${payload.repository}${payload.tag ? `:${payload.tag}` : ''}@${payload.digest}`;
}

export async function runScanJob(payload: ScanJobPayload, ctx: JobContext): Promise<Record<string, unknown>> {
  const started = performance.now();
  const registry = configuredRegistry(ctx, payload.registry);
  const ref = imageReference(registry, payload);
  let outcome: 'scanned' | 'skipped' | 'failed' = 'failed';
  try {
    if (!payload.rescan) {
      const stored = await ctx.store.findImageByDigest(payload.project, payload.digest);
      if (stored) {
        outcome = 'skipped';
        return { ref, image: stored.id, skipped: 'this digest is stored already' };
      }
    }
    if (!ctx.database.ready) throw new PlimsollError('no vulnerability database yet: nothing to match against');
    const parsed = parseReference(`docker://${ref}`) as Extract<ImageReference, { transport: 'docker' }>;
    const image = await openRegistryImage(parsed, ref, {
      ...(registry.username !== undefined ? { username: registry.username } : {}),
      ...(registry.password !== undefined ? { password: registry.password } : {}),
      insecure: registry.insecure,
    });
    let stored: { image: { id: string }; packages: number; vulnerabilities: number } | undefined;
    try {
      // The scan `image --server` runs, with the submission made here: the secret scanner runs too, and
      // the stored facts carry how many secrets of each rule it found (never what or where).
      const scan = await scanResolved(image, {
        scanners: ['vuln', 'secret'],
        remote: async (scanned, found, secrets) => {
          const inventory = readSbom(JSON.parse(sbomForServer(scanned, found, imageFacts(scanned, secrets))));
          await ctx.store.ensureProject(payload.project, new Date().toISOString());
          const submitted = await submitInventory(ctx, payload.project, inventory);
          if (!submitted) throw new PlimsollError('no vulnerability database yet: nothing to match against');
          stored = { image: submitted.image, packages: inventory.packages.length, vulnerabilities: submitted.match.vulnerabilities.length };
          return { match: submitted.match, notices: submitted.match.notices, attributions: submitted.match.attributions };
        },
      });
      scan.inventory.contents.close();
    } finally {
      await image.close();
    }
    if (!stored) throw new Error('the scan made no submission');
    outcome = 'scanned';
    return { ref, image: stored.image.id, packages: stored.packages, vulnerabilities: stored.vulnerabilities };
  } finally {
    ctx.metrics.observeScan((performance.now() - started) / 1000, outcome);
  }
}
