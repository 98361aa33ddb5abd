// `plimsoll image REF --server URL --token T`: the image is read and inventoried here; only its
// CycloneDX SBOM goes to the server (docs/privacy.md), which answers with the vulnerabilities.
import { PlimsollError, errorMessage } from '../errors.js';
import type { ResolvedImage } from '../image/types.js';
import type { InventoryResult } from '../inventory/run.js';
import type { Coverage, Vulnerability } from '../match/types.js';
import { toCycloneDx } from '../report/cyclonedx.js';
import { toInventory } from '../report/report.js';
import type { RemoteMatch } from '../scan.js';

const TIMEOUT_MS = 300_000;

/** `scheme://user:secret@host` → `scheme://host`: a credential in a recorded URL (a Cargo git source) is not package metadata. */
function withoutUserinfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1');
}

/** The document sent: the SBOM the `sbom` command writes, less any URL credentials. */
export function sbomForServer(image: ResolvedImage, inventory: InventoryResult): string {
  return JSON.stringify(toCycloneDx(toInventory(image, inventory)), (_key, value: unknown) => (typeof value === 'string' ? withoutUserinfo(value) : value));
}

async function call(url: string, token: string, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, 'user-agent': 'plimsoll', ...init.headers }, signal: AbortSignal.timeout(TIMEOUT_MS) });
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

/** Matches through the server: the token's project, then one submission. */
export function serverMatcher(server: string, token: string): RemoteMatch {
  const base = server.replace(/\/+$/, '');
  return async (image, inventory) => {
    const who = (await call(`${base}/api/v1/whoami`, token)) as { project?: string | null };
    if (!who.project) throw new PlimsollError('--token: this token belongs to no project, so it cannot submit (plimsoll server token create --project P --scope submit,read)');
    const answer = (await call(`${base}/api/v1/projects/${encodeURIComponent(who.project)}/images`, token, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.cyclonedx+json' },
      body: sbomForServer(image, inventory),
    })) as { vulnerabilities?: unknown; coverage?: Coverage; notices?: string[]; attributions?: string[] };
    if (!Array.isArray(answer.vulnerabilities) || !answer.coverage) throw new PlimsollError(`--server ${new URL(base).origin}: the answer holds no vulnerabilities`);
    return {
      match: { vulnerabilities: answer.vulnerabilities as Vulnerability[], coverage: answer.coverage },
      notices: answer.notices ?? [],
      attributions: answer.attributions ?? [],
    };
  };
}
