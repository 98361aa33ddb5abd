// CycloneDX 1.6 with a `vulnerabilities` section (https://cyclonedx.org/docs/1.6/json/#vulnerabilities):
// the SBOM of ./cyclonedx.ts plus one entry per vulnerability id, whose `affects` point at the
// packages' bom-refs. Findings suppressed by VEX or the ignore file can be written with their
// analysis, so the document is also usable as VEX.
import type { CvssScore, Vulnerability } from '../match/types.js';
import type { Suppression } from '../policy/apply.js';
import type { Inventory } from '../model/inventory.js';
import { cvssSeverity } from '../match/severity.js';
import { toCycloneDx, type SbomOptions } from './cyclonedx.js';

const METHOD: Record<CvssScore['version'], string> = { '4.0': 'CVSSv4', '3.1': 'CVSSv31', '3.0': 'CVSSv3', '2.0': 'CVSSv2' };

/** Who scored it: NVD's analysts or a CNA through NVD's record, or the advisory that carries the vector. */
function scorer(c: CvssScore): { name: string; url?: string } {
  if (c.from === 'advisory') return sourceOf(c.source);
  return c.source === 'nvd@nist.gov' ? { name: 'NVD' } : { name: `${c.source} (via NVD)` };
}

/** A rating that is not a CVSS score: the distribution's or GitHub's. */
function statedRating(v: Vulnerability): Record<string, unknown>[] {
  if (!['debian', 'ubuntu', 'ghsa'].includes(v.severitySource)) return [];
  return [{ source: { name: v.severityReason }, severity: v.severity.toLowerCase(), method: 'other' }];
}

/** The naming authority of an identifier, for `source` / `references[].source`. */
function sourceOf(id: string): { name: string; url?: string } {
  if (id.startsWith('CVE-')) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (id.startsWith('GHSA-')) return { name: 'GitHub', url: `https://github.com/advisories/${id}` };
  if (id.startsWith('GO-')) return { name: 'Go', url: `https://pkg.go.dev/vuln/${id}` };
  if (/^(DSA|DLA)-/.test(id)) return { name: 'Debian', url: `https://security-tracker.debian.org/tracker/${id}` };
  return { name: id.split('-')[0] ?? id };
}

function entry(id: string, findings: readonly Vulnerability[], suppressed: readonly Suppression[]): Record<string, unknown> {
  const first = findings[0] as Vulnerability;
  const ratings = [
    ...first.cvss.map((c) => ({ source: scorer(c), score: c.score, severity: severityWord(c), method: METHOD[c.version], vector: c.vector })),
    ...statedRating(first),
  ];
  const fixes = [...new Set(findings.flatMap((f) => (f.fixedVersion ? [`${f.packageName} ${f.fixedVersion}`] : [])))];
  const analysis = suppressed.find((s) => s.id === id && s.by === 'vex') ?? suppressed.find((s) => s.id === id && s.by === 'ignore-file');
  return {
    'bom-ref': `vuln:${id}`,
    id,
    source: sourceOf(id),
    ...(first.aliases.length ? { references: first.aliases.map((alias) => ({ id: alias, source: sourceOf(alias) })) } : {}),
    ...(ratings.length ? { ratings } : {}),
    ...(first.title ? { description: first.title } : {}),
    ...(fixes.length ? { recommendation: `Upgrade to ${fixes.join(', ')}` } : {}),
    ...(first.references.length ? { advisories: first.references.map((url) => ({ url })) } : {}),
    ...(analysis ? { analysis: { state: analysis.vexStatus === 'fixed' ? 'resolved' : 'not_affected', detail: analysis.detail } } : {}),
    affects: findings.map((f) => ({ ref: f.packageId, versions: [{ version: f.installedVersion, status: analysis ? 'unaffected' : 'affected' }] })),
  };
}

/** CycloneDX's lower-case rating words, each score's own (v2 has no critical); scores of 0 are `none`. */
function severityWord(c: CvssScore): string {
  return c.score === 0 ? 'none' : cvssSeverity(c).toLowerCase();
}

/**
 * The SBOM with vulnerabilities. `suppressed` findings (from applyPolicy, with the findings they
 * name passed in `suppressedFindings`) are written with their analysis instead of being dropped.
 */
export function toCycloneDxWithVulnerabilities(
  inventory: Inventory,
  vulnerabilities: readonly Vulnerability[],
  options: SbomOptions & { suppressed?: readonly Suppression[]; suppressedFindings?: readonly Vulnerability[] } = {},
): Record<string, unknown> {
  const bom = toCycloneDx(inventory, options);
  const suppressed = (options.suppressed ?? []).filter((s) => s.by === 'vex' || s.by === 'ignore-file');
  const byId = new Map<string, Vulnerability[]>();
  for (const v of vulnerabilities) byId.set(v.id, [...(byId.get(v.id) ?? []), v]);
  const suppressedById = new Map<string, Vulnerability[]>();
  for (const v of options.suppressedFindings ?? []) {
    if (suppressed.some((s) => s.id === v.id && s.packageId === v.packageId)) suppressedById.set(v.id, [...(suppressedById.get(v.id) ?? []), v]);
  }
  return {
    ...bom,
    vulnerabilities: [
      ...[...byId].map(([id, findings]) => entry(id, findings, [])),
      ...[...suppressedById].filter(([id]) => !byId.has(id)).map(([id, findings]) => entry(id, findings, suppressed)),
    ],
  };
}
