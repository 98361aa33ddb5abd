// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/) as GitHub code scanning reads it:
// one rule per vulnerability id, one result per finding located at the file that records the
// package, `level` from the severity and `security-severity` (a CVSS-like number GitHub uses to
// rank alerts) on each rule.
import type { Severity, Vulnerability } from '../match/types.js';
import type { Finding } from '../model/finding.js';
import { severityFromScore } from '../match/cvss/index.js';
import { plimsollVersion } from '../model/inventory.js';

/** A hardening or Dockerfile finding as SARIF needs it (the report's form, layers already flattened, will do). */
export type SarifFinding = Pick<Finding, 'id' | 'kind' | 'severity' | 'title' | 'path' | 'line' | 'remediation'>;

export interface SarifInput {
  vulnerabilities: readonly Vulnerability[];
  /** Hardening and Dockerfile findings: one rule per check, results at the path (and line) they name. */
  findings?: readonly SarifFinding[];
  /** The scanned image reference, named in each result's message. */
  artifactRef: string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', UNKNOWN: 'note' };
/** When no vector gives a score: a number inside GitHub's band for the rating. */
const BAND_SCORE: Record<Severity, number> = { CRITICAL: 9.5, HIGH: 8.0, MEDIUM: 5.5, LOW: 2.0, UNKNOWN: 0.0 };

/**
 * GitHub ranks alerts by `security-severity` (9.0+ critical, 7.0+ high, 4.0+ medium, else low), so
 * it must agree with the finding's severity: the score behind the severity when a CVSS score set
 * it, or that score when it falls in the band of the rating that set it, else the band's own number.
 */
function scoreOf(v: Vulnerability): number {
  const band = BAND_SCORE[v.severity];
  if (v.score === undefined || v.severity === 'UNKNOWN') return band;
  return severityFromScore(v.score) === v.severity ? v.score : band;
}

function securitySeverity(findings: readonly Vulnerability[]): string {
  return Math.max(...findings.map(scoreOf)).toFixed(1);
}

/** What the finding's priority rests on, for code scanning's result properties. */
function priorityFacts(v: Vulnerability): Record<string, unknown> {
  return {
    priority: v.priority,
    priorityReason: v.priorityReason,
    severitySource: v.severitySource,
    severityReason: v.severityReason,
    ...(v.kev ? { kev: v.kev } : {}),
    ...(v.epss ? { epss: v.epss } : {}),
    ...(v.cwes ? { cwes: v.cwes } : {}),
    matchedBy: v.matchedBy,
    ...(v.confidence ? { confidence: v.confidence } : {}),
  };
}

function rule(id: string, findings: readonly Vulnerability[]): Record<string, unknown> {
  const first = findings[0] as Vulnerability;
  const title = first.title ?? id;
  const help = [
    title,
    first.aliases.length ? `Also known as: ${first.aliases.join(', ')}` : '',
    ...first.references.slice(0, 10).map((url) => `- ${url}`),
  ].filter(Boolean);
  return {
    id,
    name: id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: `${id}: ${title}` },
    fullDescription: { text: title },
    ...(first.references[0] ? { helpUri: first.references[0] } : {}),
    help: { text: help.join('\n'), markdown: help.join('\n\n') },
    defaultConfiguration: { level: LEVEL[first.severity] },
    properties: {
      'security-severity': securitySeverity(findings),
      precision: first.matchedBy === 'cpe' ? 'medium' : 'very-high',
      tags: [
        'security',
        'vulnerability',
        first.severity,
        ...(first.kev ? ['known-exploited'] : []),
        ...(first.cwes ?? []).map((c) => `external/cwe/${c.toLowerCase()}`),
      ],
    },
  };
}

function message(v: Vulnerability, ref: string): string {
  const fix = v.fixedVersion ? `fixed in ${v.fixedVersion}` : `no fix (${v.status})`;
  const exploited = v.kev ? '; known exploited (CISA KEV)' : '';
  return `${v.id} in ${v.packageName} ${v.installedVersion} (${v.packageType}), ${fix}; severity ${v.severity} (${v.severityReason}); priority ${v.priority}${exploited}; image ${ref}`;
}

function findingRule(f: SarifFinding): Record<string, unknown> {
  return {
    id: f.id,
    name: f.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: f.title },
    help: { text: f.remediation, markdown: f.remediation },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: { 'security-severity': BAND_SCORE[f.severity].toFixed(1), precision: 'high', tags: ['security', f.kind, f.severity] },
  };
}

function findingResult(f: SarifFinding, ruleIndex: number | undefined, ref: string): Record<string, unknown> {
  const uri = encodeURI(f.path ?? ref);
  return {
    ruleId: f.id,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.title}; ${f.remediation}` },
    locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: f.line ?? 1 } } }],
    partialFingerprints: { 'plimsoll/v1': `${f.id}:${f.path ?? ''}:${f.line ?? ''}:${f.title}` },
  };
}

/** The SARIF log (a plain object; JSON.stringify it to write). */
export function toSarif(input: SarifInput): Record<string, unknown> {
  const byId = new Map<string, Vulnerability[]>();
  for (const v of input.vulnerabilities) byId.set(v.id, [...(byId.get(v.id) ?? []), v]);
  const ids = [...byId.keys()];
  const findings = input.findings ?? [];
  const findingRules = [...new Map(findings.map((f) => [f.id, f])).values()];
  const index = new Map([...ids, ...findingRules.map((f) => f.id)].map((id, i) => [id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'plimsoll',
            version: plimsollVersion(),
            rules: [...ids.map((id) => rule(id, byId.get(id) ?? [])), ...findingRules.map(findingRule)],
          },
        },
        results: input.vulnerabilities
          .map((v): Record<string, unknown> => ({
            ruleId: v.id,
            ruleIndex: index.get(v.id),
            level: LEVEL[v.severity],
            message: { text: message(v, input.artifactRef) },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: encodeURI(v.path ?? v.packageName) }, region: { startLine: 1 } },
                message: { text: `${v.packageName}@${v.installedVersion}` },
              },
            ],
            // One alert per finding across scans, whatever the run order.
            partialFingerprints: { 'plimsoll/v1': `${v.id}:${v.packageId}` },
            properties: priorityFacts(v),
          }))
          .concat(findings.map((f) => findingResult(f, index.get(f.id), input.artifactRef))),
      },
    ],
  };
}
