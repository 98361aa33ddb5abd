// A registry scan job: the server pulls one image (by digest) from a configured registry with that
// registry's credentials, inventories it here, on premises, and stores it as a client submission
// would be — the same SBOM (client.ts sbomForServer), read back and matched (submit.ts). The payload
// is plain JSON, so any job queue can carry it.
import { performance } from 'node:perf_hooks';
import { PlimsollError } from '../../errors.js';
import { parseReference, type ImageReference } from '../../image/reference.js';
import { openRegistryImage } from '../../image/sources/registry.js';
import { inventoryImage } from '../../inventory/run.js';
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
    let inventory;
    try {
      // The server scans inventory only, so its facts carry no secret counts (the admission gate then says secrets are not known).
      inventory = readSbom(JSON.parse(sbomForServer(image, await inventoryImage(image), imageFacts(image, undefined))));
    } finally {
      await image.close();
    }
    await ctx.store.ensureProject(payload.project, new Date().toISOString());
    const submitted = await submitInventory(ctx, payload.project, inventory);
    if (!submitted) throw new PlimsollError('no vulnerability database yet: nothing to match against');
    outcome = 'scanned';
    return { ref, image: submitted.image.id, packages: inventory.packages.length, vulnerabilities: submitted.match.vulnerabilities.length };
  } finally {
    ctx.metrics.observeScan((performance.now() - started) / 1000, outcome);
  }
}
