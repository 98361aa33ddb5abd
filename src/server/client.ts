// `plimsoll image REF --server URL --token T`: the image is read and inventoried here; only its
// CycloneDX SBOM goes to the server (docs/privacy.md), which answers with the vulnerabilities.
import { PlimsollError, errorMessage } from '../errors.js';
import type { ResolvedImage } from '../image/types.js';
import type { InventoryResult } from '../inventory/run.js';
import type { Coverage, Vulnerability } from '../match/types.js';
import type { Finding } from '../model/finding.js';
import type { ScanWarning, WarningSource } from '../model/warning.js';
import { toCycloneDx } from '../report/cyclonedx.js';
import { toInventory } from '../report/report.js';
import type { RemoteMatch } from '../scan.js';
import { factProperties } from './sbom.js';
import type { ImageFacts } from './store.js';

const TIMEOUT_MS = 300_000;

/** `scheme://user:secret@host` → `scheme://host`: a credential in a recorded URL (a Cargo git source) is not package metadata. */
function withoutUserinfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1');
}

/** What the admission gate needs beyond the SBOM: the config's `created` and `User`, and how many secrets of each rule were found (never which, where or what). */
export function imageFacts(image: ResolvedImage, secrets: readonly Finding[] | undefined): ImageFacts {
  const counts: Record<string, number> = {};
  for (const f of secrets ?? []) counts[f.id] = (counts[f.id] ?? 0) + 1;
  return {
    ...(image.config.created ? { created: image.config.created } : {}),
    // dir: has no config at all, so nothing is known of its user.
    ...(image.config.config ? { user: image.config.config.User ?? '' } : {}),
    ...(secrets ? { secrets: counts } : {}),
  };
}

/** The document sent: the SBOM the `sbom` command writes, less any URL credentials, with the image facts among the image's properties. */
export function sbomForServer(image: ResolvedImage, inventory: InventoryResult, facts: ImageFacts): string {
  const doc = toCycloneDx(toInventory(image, inventory)) as { metadata: { component: { properties?: { name: string; value: string }[] } } };
  const component = doc.metadata.component;
  component.properties = [...(component.properties ?? []), ...factProperties(facts)];
  return JSON.stringify(doc, (_key, value: unknown) => (typeof value === 'string' ? withoutUserinfo(value) : value));
}

async function call(url: string, token: string, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'plimsoll', ...init.headers },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new PlimsollError(`--server ${new URL(url).origin}: ${errorMessage((err as Error).cause ?? err)}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PlimsollError(`--server ${new URL(url).origin}: HTTP ${response.status}, not a JSON answer`);
  }
  if (!response.ok) {
    const why = typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : `HTTP ${response.status}`;
    throw new PlimsollError(`--server ${new URL(url).origin}: ${why} (HTTP ${response.status})`);
  }
  return body;
}

/** A server's warnings; one from before warnings had a type is a line of text. Anything else is dropped. */
function warningsFrom(values: unknown[] | undefined, source: WarningSource): ScanWarning[] {
  return (values ?? []).flatMap((w): ScanWarning[] => {
    if (typeof w === 'string') return [{ message: w, source }];
    return typeof (w as Partial<ScanWarning> | null)?.message === 'string' ? [w as ScanWarning] : [];
  });
}

/** Matches through the server: the token's project, then one submission. */
export function serverMatcher(server: string, token: string): RemoteMatch {
  const base = server.replace(/\/+$/, '');
  return async (image, inventory, secrets) => {
    const who = (await call(`${base}/api/v1/whoami`, token)) as { project?: string | null };
    if (!who.project)
      throw new PlimsollError('--token: this token belongs to no project, so it cannot submit (plimsoll server token create --project P --scope submit,read)');
    const answer = (await call(`${base}/api/v1/projects/${encodeURIComponent(who.project)}/images`, token, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.cyclonedx+json' },
      body: sbomForServer(image, inventory, imageFacts(image, secrets)),
    })) as { vulnerabilities?: unknown; coverage?: Coverage; notices?: unknown[]; attributions?: string[] };
    if (!Array.isArray(answer.vulnerabilities) || !answer.coverage)
      throw new PlimsollError(`--server ${new URL(base).origin}: the answer holds no vulnerabilities`);
    return {
      match: {
        vulnerabilities: answer.vulnerabilities as Vulnerability[],
        coverage: { ...answer.coverage, warnings: warningsFrom(answer.coverage.warnings, 'match') },
      },
      notices: warningsFrom(answer.notices, 'vulndb'),
      attributions: answer.attributions ?? [],
    };
  };
}
