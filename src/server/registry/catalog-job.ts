// A rescan of a registry's whole catalog: every repository, every tag, each resolved to its
// manifest; an image manifest is queued for a scan, a multi-platform index for a scan of each
// platform's manifest (attestation manifests, platform unknown/unknown, are not images). By default
// the scans skip digests the project holds already (it catches pushes whose notification was lost;
// a stored image is re-evaluated by the rematch anyway); `all` pulls and inventories every one
// again (after a Plimsoll upgrade that finds more).
import { PlimsollError } from '../../errors.js';
import { digestOf } from '../../image/digest.js';
import { parseManifest } from '../../image/manifest.js';
import { RegistryLister } from '../../image/registry/catalog.js';
import { RegistryClient } from '../../image/registry/client.js';
import type { JobContext } from '../jobs.js';
import type { RegistryConfig } from './config.js';
import { queueScan } from './queue.js';
import { configuredRegistry, type ScanJobPayload } from './scan-job.js';

export interface CatalogJobPayload {
  registry: string;
  all?: boolean;
}

function credentials(registry: RegistryConfig): { username?: string; password?: string; insecure: boolean } {
  return {
    ...(registry.username !== undefined ? { username: registry.username } : {}),
    ...(registry.password !== undefined ? { password: registry.password } : {}),
    insecure: registry.insecure,
  };
}

/** The image manifests a tag names: itself, or each platform of an index. */
async function manifestsOf(registry: RegistryConfig, repository: string, tag: string): Promise<string[]> {
  const what = `${registry.host}/${repository}:${tag}`;
  const client = new RegistryClient(registry.host, repository, what, credentials(registry));
  try {
    const { bytes, contentType } = await client.fetchManifest(tag);
    const manifest = parseManifest(bytes, what, contentType);
    if (manifest.kind === 'manifest') return [digestOf(bytes)];
    return manifest.manifests.filter((m) => m.platform?.os !== 'unknown' && m.platform?.architecture !== 'unknown').map((m) => m.digest);
  } finally {
    client.close();
  }
}

export async function runCatalogJob(payload: CatalogJobPayload, ctx: JobContext): Promise<Record<string, unknown>> {
  const registry = configuredRegistry(ctx, payload.registry);
  const lister = new RegistryLister(registry.host, `${registry.host} (registry ${registry.name})`, credentials(registry));
  const summary = { repositories: 0, tags: 0, queued: 0, failed: [] as string[] };
  const queued = new Set<string>();
  try {
    for await (const repository of lister.repositories()) {
      summary.repositories++;
      for await (const tag of lister.tags(repository)) {
        summary.tags++;
        let digests: string[];
        try {
          digests = await manifestsOf(registry, repository, tag);
        } catch (err) {
          // One unreadable tag (a foreign artifact, a manifest deleted meanwhile) does not stop the rescan.
          if (!(err instanceof PlimsollError)) throw err;
          if (summary.failed.length < 100) summary.failed.push(`${repository}:${tag}: ${err.message}`);
          continue;
        }
        for (const digest of digests) {
          if (queued.has(digest)) continue;
          queued.add(digest);
          const scan: ScanJobPayload = {
            registry: registry.name,
            repository,
            digest,
            tag,
            project: registry.project,
            ...(payload.all ? { rescan: true } : {}),
          };
          await queueScan(ctx, scan);
          summary.queued++;
        }
      }
    }
  } finally {
    lister.close();
  }
  return summary;
}
