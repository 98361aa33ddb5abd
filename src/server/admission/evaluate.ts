// The decision on one AdmissionReview: each container's image is found among the project's stored
// scans and held against the policy; every denied image gets one line saying why. The evaluation
// has a time budget: past it, or when the store fails, the answer is the policy's failure mode, and
// says so.
import { errorMessage } from '../../errors.js';
import { atOrAbove } from '../../model/severity.js';
import type { Vulnerability } from '../../match/types.js';
import { warningText, type ScanWarning } from '../../model/warning.js';
import type { Store } from '../store.js';
import { lookUp, type Lookup } from './lookup.js';
import type { AdmissionPolicy } from './policy.js';
import { containersToJudge, isWorkload, type AdmissionRequest, type PodContainer } from './review.js';

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  /** Kubernetes shows these to the user as they are: one line of text each. */
  warnings?: string[];
}

const DAY_MS = 86_400_000;
/** Vulnerability ids named in one reason; the rest are counted. */
const NAMED = 5;

function ids(vulnerabilities: readonly Vulnerability[]): string {
  const unique = [...new Set(vulnerabilities.map((v) => v.id))];
  return unique.slice(0, NAMED).join(', ') + (unique.length > NAMED ? ` and ${unique.length - NAMED} more` : '');
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `''`, `root`, `0`, `root:staff`, `0:0`: the runtime starts the process as uid 0. */
export function isRootUser(user: string): boolean {
  const name = user.split(':')[0]?.trim() ?? '';
  return name === '' || name === 'root' || name === '0';
}

/** Why the policy denies this container's image, one reason per broken rule; empty: allowed. */
function reasons(policy: AdmissionPolicy, container: PodContainer, lookup: Lookup, now: number): string[] {
  const { deny } = policy;
  const image = lookup.image;
  if (!image) return deny.unscanned ? [`not scanned: ${lookup.missing}`] : [];
  const out: string[] = [];
  if (deny.severity) {
    const threshold = deny.severity;
    const hits = image.vulnerabilities.filter((v) => atOrAbove(v.severity, threshold) && (!deny.fixedOnly || v.fixedVersion !== undefined));
    if (hits.length > 0)
      out.push(
        `${plural(hits.length, 'vulnerability', 'vulnerabilities')} at ${threshold}${threshold === 'CRITICAL' ? '' : ' or above'}${deny.fixedOnly ? ' with a fix' : ''} (${ids(hits)})`,
      );
  }
  if (deny.kev) {
    const hits = image.vulnerabilities.filter((v) => v.kev !== undefined);
    if (hits.length > 0)
      out.push(`${plural(hits.length, 'vulnerability', 'vulnerabilities')} in CISA's Known Exploited Vulnerabilities catalog (${ids(hits)})`);
  }
  const facts = image.facts ?? {};
  if (deny.maxAgeDays !== undefined) {
    const created = facts.created !== undefined ? Date.parse(facts.created) : NaN;
    if (Number.isNaN(created)) out.push('its build date is not known (scan it with plimsoll image --server)');
    else if (now - created > deny.maxAgeDays * DAY_MS)
      out.push(`built ${facts.created?.slice(0, 10) ?? ''}, ${Math.floor((now - created) / DAY_MS)} days ago (limit ${deny.maxAgeDays})`);
  }
  if (deny.secrets) {
    if (!facts.secrets) out.push('whether it holds secrets is not known (scan it with plimsoll image --server and the secret scanner)');
    else {
      const found = Object.entries(facts.secrets).filter(([, n]) => n > 0);
      const total = found.reduce((sum, [, n]) => sum + n, 0);
      if (total > 0) out.push(`${plural(total, 'secret')} found in the image (${found.map(([rule, n]) => `${rule} ×${n}`).join(', ')})`);
    }
  }
  if (deny.root && container.runAsNonRoot !== true) {
    if (container.runAsUser !== undefined) {
      if (container.runAsUser === 0) out.push('runs as root (runAsUser: 0)');
    } else if (facts.user === undefined)
      out.push('its user is not known (scan it with plimsoll image --server), and the pod sets neither runAsUser nor runAsNonRoot');
    else if (isRootUser(facts.user)) out.push(`runs as root (image User ${JSON.stringify(facts.user)}, and the pod sets neither runAsUser nor runAsNonRoot)`);
  }
  return out;
}

function review(uid: string, allowed: boolean, status?: AdmissionResponse['status'], warnings: readonly ScanWarning[] = []): AdmissionResponse {
  const lines = [...new Set(warnings.map(warningText))];
  return { uid, allowed, ...(status ? { status } : {}), ...(lines.length > 0 ? { warnings: lines } : {}) };
}

async function decide(
  store: Store,
  project: string,
  policy: AdmissionPolicy,
  request: AdmissionRequest,
  containers: readonly PodContainer[],
): Promise<AdmissionResponse> {
  const lookups = new Map<string, Promise<Lookup>>();
  for (const c of containers) if (!lookups.has(c.image)) lookups.set(c.image, lookUp(store, project, c.image, policy.matchTags));
  const now = Date.now();
  // One line per denied image: the containers that run it, and why.
  const denied = new Map<string, { containers: string[]; lookup: Lookup; why: string[] }>();
  const warnings: ScanWarning[] = [];
  for (const c of containers) {
    const lookup = await (lookups.get(c.image) as Promise<Lookup>);
    const why = reasons(policy, c, lookup, now);
    if (!lookup.image && !policy.deny.unscanned)
      warnings.push({ message: `plimsoll: image ${c.image} is not scanned (${lookup.missing}); allowed by policy ${policy.name}`, source: 'admission' });
    if (why.length === 0) continue;
    const key = `${c.image}\0${why.join('\0')}`;
    const entry = denied.get(key) ?? { containers: [], lookup, why };
    entry.containers.push(c.name);
    denied.set(key, entry);
  }
  if (denied.size === 0) return review(request.uid, true, undefined, warnings);
  const lines = [...denied.entries()].map(([key, d]) => {
    const image = key.split('\0')[0] ?? '';
    const found = d.lookup.matched ? `, found ${d.lookup.matched}` : '';
    return `image ${image} (${d.containers.length === 1 ? 'container' : 'containers'} ${d.containers.join(', ')}${found}): ${d.why.join('; ')}`;
  });
  const what = `${request.kind.kind}${request.name ? ` ${request.name}` : ''}`;
  return review(request.uid, false, { code: 403, message: `plimsoll policy ${policy.name} denies ${what}:\n${lines.join('\n')}` });
}

function failed(policy: AdmissionPolicy, uid: string, why: string): AdmissionResponse {
  const message = `plimsoll policy ${policy.name} could not be evaluated (${why}); ${policy.failure === 'open' ? 'allowed: the policy fails open' : 'denied: the policy fails closed'}`;
  return policy.failure === 'open' ? review(uid, true, undefined, [{ message, source: 'admission' }]) : review(uid, false, { code: 503, message });
}

/**
 * The answer to a review. DELETE, CONNECT and kinds that run no pod are allowed untouched; a
 * malformed workload object throws an InputError (400) before any budget is spent.
 */
export async function evaluateReview(
  store: Store,
  project: string,
  policy: AdmissionPolicy,
  request: AdmissionRequest,
  log: (message: string) => void,
): Promise<AdmissionResponse> {
  if ((request.operation !== 'CREATE' && request.operation !== 'UPDATE') || !isWorkload(request)) return review(request.uid, true);
  const containers = containersToJudge(request);
  if (containers.length === 0) return review(request.uid, true);
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), policy.timeoutMs);
  });
  try {
    const answer = await Promise.race([decide(store, project, policy, request, containers), budget]);
    return answer === 'timeout' ? failed(policy, request.uid, `it took longer than its ${policy.timeoutMs} ms budget`) : answer;
  } catch (err) {
    log(`admission ${request.uid}: policy ${policy.name}: ${errorMessage(err)}`);
    return failed(policy, request.uid, 'the store failed');
  } finally {
    clearTimeout(timer);
  }
}
