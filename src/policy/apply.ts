// What the user asked to see and to fail on: VEX statements and the ignore file suppress findings
// (counted, by source, so the report can say so), --severity and --ignore-unfixed filter them,
// and --fail-on turns what remains into the exit code. Hardening findings pass through the same
// stage (--severity alone applies to them), so the CLI and scanImage() show and count the same.
import type { Severity, Vulnerability } from '../match/types.js';
import type { Finding } from '../model/finding.js';
import type { ScanWarning } from '../model/warning.js';
import { findingFailures, vulnerabilityFailures, type FailOn, type PolicyFailure } from './fail-on.js';
import type { IgnoreRule } from './ignore-file.js';
import type { VexStatement } from './vex.js';

export interface PolicyOptions {
  /** Only these severities are kept (`--severity LOW,MEDIUM,HIGH,CRITICAL`); all when absent. */
  severities?: readonly Severity[];
  /** Drops findings with no fixed version (`unfixed` and `wont-fix`). */
  ignoreUnfixed?: boolean;
  ignoreRules?: readonly IgnoreRule[];
  vex?: readonly VexStatement[];
  /** Fail (exit 1) when a remaining finding meets any of these (`--fail-on`, `--fail-on-epss`). */
  failOn?: FailOn;
  /** For ignore-rule expiry (default now). */
  now?: Date;
}

export interface Suppression {
  id: string;
  packageId: string;
  /** `vex`, `ignore-file`, `severity` or `unfixed`. */
  by: 'vex' | 'ignore-file' | 'severity' | 'unfixed';
  /** The VEX document or ignore-file line, with its status/justification or reason. */
  detail: string;
  /** For VEX suppressions: the statement's status. */
  vexStatus?: 'not_affected' | 'fixed';
}

/** A hardening finding --severity left out (nothing else suppresses those). */
export interface FindingSuppression {
  id: string;
  path?: string;
  by: 'severity';
  detail: string;
}

/** The hardening-finding fields the policy reads. */
export type PolicyFinding = Pick<Finding, 'id' | 'severity' | 'path'>;

export interface PolicyResult<F extends PolicyFinding = Finding> {
  vulnerabilities: Vulnerability[];
  suppressed: Suppression[];
  /** Counts of `suppressed` by what suppressed them. */
  suppressedBy: Record<Suppression['by'], number>;
  /** The hardening findings that remain. */
  findings: F[];
  suppressedFindings: FindingSuppression[];
  /** Counts of `suppressedFindings` by what suppressed them. */
  findingsSuppressedBy: Record<FindingSuppression['by'], number>;
  /** Expired ignore entries, and the like: for the user to look at. */
  warnings: ScanWarning[];
  failed: boolean;
  /** What failed the gate and why, one entry per finding. */
  failures: PolicyFailure[];
  /** 1 when --fail-on found something, else 0 (the DESIGN's exit codes). */
  exitCode: 0 | 1;
}

/** `pkg:type/ns/name@version?qualifiers#subpath` → `[pkg:type/ns/name, version]`, percent-decoded. */
function splitPurl(purl: string): [string, string | undefined] {
  const bare = purl.split(/[?#]/)[0] ?? purl;
  const at = bare.lastIndexOf('@');
  const slash = bare.lastIndexOf('/');
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return at > slash ? [decode(bare.slice(0, at)), decode(bare.slice(at + 1))] : [decode(bare), undefined];
}

/** A product covers a finding when it is the image itself, the finding's bom-ref, or its purl (any version when the product names none). */
function productCovers(product: string, v: Vulnerability): boolean {
  if (product.startsWith('pkg:oci/') || product.startsWith('pkg:docker/')) return true;
  if (product === v.packageId) return true;
  if (!product.startsWith('pkg:')) return false;
  const [name, version] = splitPurl(product);
  const [ownName, ownVersion] = splitPurl(v.purl);
  return name === ownName && (version === undefined || version === ownVersion);
}

function names(v: Vulnerability): Set<string> {
  return new Set([v.id, ...v.aliases]);
}

function vexSuppression(v: Vulnerability, statements: readonly VexStatement[]): VexStatement | undefined {
  const ids = names(v);
  return statements.find(
    (s) =>
      (s.status === 'not_affected' || s.status === 'fixed') &&
      ids.has(s.vulnerability) &&
      (s.products.length === 0 || s.products.some((p) => productCovers(p, v))),
  );
}

function ruleCovers(rule: IgnoreRule, v: Vulnerability): boolean {
  if (!names(v).has(rule.id)) return false;
  if (rule.package === undefined) return true;
  return rule.package.startsWith('pkg:') ? productCovers(rule.package, v) : rule.package === v.packageName;
}

/** `findings`: the hardening findings, kept or left out by --severity, and failing on what is kept. */
export function applyPolicy<F extends PolicyFinding = Finding>(
  vulnerabilities: readonly Vulnerability[],
  options: PolicyOptions = {},
  findings: readonly F[] = [],
): PolicyResult<F> {
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const warnings: ScanWarning[] = [];
  const activeRules = (options.ignoreRules ?? []).filter((rule) => {
    if (rule.expires === undefined || rule.expires >= today) return true;
    warnings.push({ path: rule.origin, message: `ignore entry for ${rule.id} expired on ${rule.expires} and no longer applies`, source: 'policy' });
    return false;
  });
  const severities = options.severities ? new Set(options.severities) : undefined;
  const kept: Vulnerability[] = [];
  const suppressed: Suppression[] = [];
  for (const v of vulnerabilities) {
    const statement = vexSuppression(v, options.vex ?? []);
    if (statement) {
      suppressed.push({
        id: v.id,
        packageId: v.packageId,
        by: 'vex',
        detail: `${statement.origin}: ${statement.status}${statement.justification ? ` (${statement.justification})` : ''}`,
        vexStatus: statement.status === 'fixed' ? 'fixed' : 'not_affected',
      });
      continue;
    }
    const rule = activeRules.find((r) => ruleCovers(r, v));
    if (rule) {
      suppressed.push({ id: v.id, packageId: v.packageId, by: 'ignore-file', detail: `${rule.origin}${rule.reason ? `: ${rule.reason}` : ''}` });
      continue;
    }
    if (options.ignoreUnfixed && v.status !== 'fixed') {
      suppressed.push({ id: v.id, packageId: v.packageId, by: 'unfixed', detail: `no fixed version (${v.status})` });
      continue;
    }
    if (severities && !severities.has(v.severity)) {
      suppressed.push({ id: v.id, packageId: v.packageId, by: 'severity', detail: `severity ${v.severity} not selected` });
      continue;
    }
    kept.push(v);
  }
  const suppressedBy = { vex: 0, 'ignore-file': 0, severity: 0, unfixed: 0 };
  for (const s of suppressed) suppressedBy[s.by]++;
  const shownFindings: F[] = [];
  const suppressedFindings: FindingSuppression[] = [];
  for (const f of findings) {
    if (severities && !severities.has(f.severity))
      suppressedFindings.push({ id: f.id, ...(f.path ? { path: f.path } : {}), by: 'severity', detail: `severity ${f.severity} not selected` });
    else shownFindings.push(f);
  }
  const failOn = options.failOn ?? {};
  const failures = [...vulnerabilityFailures(kept, failOn), ...findingFailures(shownFindings, failOn.any ? 'UNKNOWN' : failOn.severity)];
  const failed = failures.length > 0;
  return {
    vulnerabilities: kept,
    suppressed,
    suppressedBy,
    findings: shownFindings,
    suppressedFindings,
    findingsSuppressedBy: { severity: suppressedFindings.length },
    warnings,
    failed,
    failures,
    exitCode: failed ? 1 : 0,
  };
}
