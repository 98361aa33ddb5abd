// Findings from NVD's CPE configurations, for the packages no advisory ecosystem identifies (see
// matchedByCpe): one per CVE and package, with how sure the identification behind it is.
// Confidence counts the doubts of the candidate and of the configuration's verdict: none is high,
// one is medium, more is low. NVD's CVSS sets the severity, through the same assessment as every
// other finding.
import type { Package } from '../../model/package.js';
import { VersionError } from '../../versions/index.js';
import type { CpeMatch, NvdRecord } from '../../vulndb/types.js';
import { assess, packageFacts, type EnrichmentLookup } from '../assess.js';
import type { CvssScorer } from '../cvss/index.js';
import { languageEcosystem } from '../ecosystems.js';
import type { Compare } from '../osv-range.js';
import type { CoverageEntry, Vulnerability } from '../types.js';
import { cpeCandidates, type CpeCandidate, type CpeVendors } from './candidates.js';
import { evaluateConfiguration } from './configuration.js';
import { generic } from './version.js';

/** The part of the database CPE matching reads. */
export interface CpeIndex extends CpeVendors {
  nvdRecordsFor(vendor: string, product: string): NvdRecord[];
}

type Confidence = NonNullable<Vulnerability['confidence']>;

/** Fewer NVD records than this is a sample, not NVD (it holds over 250,000 CVEs). */
const SPARSE_NVD = 1000;

/** The package's own ecosystem order where it has one (an unresolved jar's is still Maven's), else the generic one. */
function comparatorFor(pkg: Package): Compare {
  return languageEcosystem(pkg.type)?.comparators.ecosystem ?? generic.compare;
}

function confidenceOf(doubts: readonly string[]): Confidence {
  return doubts.length === 0 ? 'high' : doubts.length === 1 ? 'medium' : 'low';
}

/** NVD's description up to its first sentence end. */
function title(record: NvdRecord): string | undefined {
  const text = record.description?.trim();
  if (!text) return undefined;
  const first = text.split(/(?<=\.)\s+(?=[A-Z])/)[0] ?? text;
  return first.length > 200 ? `${first.slice(0, 197)}...` : first;
}

function bounds(m: CpeMatch): string {
  const said = [
    m.versionStartIncluding !== undefined ? `>= ${m.versionStartIncluding}` : '',
    m.versionStartExcluding !== undefined ? `> ${m.versionStartExcluding}` : '',
    m.versionEndIncluding !== undefined ? `<= ${m.versionEndIncluding}` : '',
    m.versionEndExcluding !== undefined ? `< ${m.versionEndExcluding}` : '',
  ].filter(Boolean);
  return said.length > 0 ? ` (${said.join(', ')})` : '';
}

/** The version that leaves every matched range: each must end below a stated version. */
function fixedVersion(matched: readonly CpeMatch[], compare: Compare): string | undefined {
  let fixed: string | undefined;
  for (const m of matched) {
    if (m.versionEndExcluding === undefined) return undefined;
    if (fixed === undefined || compare(m.versionEndExcluding, fixed) > 0) fixed = m.versionEndExcluding;
  }
  return fixed;
}

interface Verdict {
  record: NvdRecord;
  candidate: CpeCandidate;
  matched: CpeMatch[];
  doubts: string[];
}

/** The record's best verdict for one candidate: the configuration with the fewest doubts, with every matched entry. */
function judge(record: NvdRecord, candidate: CpeCandidate, compare: Compare): Verdict | undefined {
  const verdicts = record.configurations.flatMap((c) => evaluateConfiguration(c, candidate, compare) ?? []);
  if (verdicts.length === 0) return undefined;
  const surest = verdicts.reduce((a, b) => (b.doubts.length < a.doubts.length ? b : a));
  return { record, candidate, matched: verdicts.flatMap((v) => v.matched), doubts: [...candidate.doubts, ...surest.doubts] };
}

function finding(pkg: Package, v: Verdict, compare: Compare, lookup: EnrichmentLookup, score: CvssScorer): Vulnerability {
  const fixed = fixedVersion(v.matched, compare);
  const first = v.matched[0];
  const subject = `${v.candidate.vendor}:${v.candidate.product} ${pkg.version}`;
  const headline = first ? `${subject} matches ${first.criteria}${bounds(first)}` : subject;
  const t = title(v.record);
  return assess(
    {
      id: v.record.id,
      aliases: [],
      ...packageFacts(pkg),
      ...(fixed !== undefined ? { fixedVersion: fixed } : {}),
      status: fixed !== undefined ? 'fixed' : 'unfixed',
      matchedBy: 'cpe',
      confidence: confidenceOf(v.doubts),
      matchReason: v.doubts.length > 0 ? `${headline}; ${v.doubts.join('; ')}` : `${headline}; vendor, product and version stated by the package`,
      dataSource: 'nvd',
      dataSources: ['nvd'],
      ...(t ? { title: t } : {}),
      references: [`https://nvd.nist.gov/vuln/detail/${v.record.id}`],
    },
    { advisory: [] },
    lookup,
    score,
  );
}

export interface CpeMatchResult {
  vulnerabilities: Vulnerability[];
  entry: CoverageEntry;
}

/**
 * Matches packages with no ecosystem identity against NVD's configurations. `nvdRecords` is how
 * many NVD records the database holds, so that a thin or missing NVD feed is said, not taken for a clean result.
 */
export function matchCpe(
  packages: readonly Package[],
  index: CpeIndex,
  nvdRecords: number,
  lookup: EnrichmentLookup,
  score: CvssScorer,
  warnings: Set<string>,
): CpeMatchResult {
  const target = 'packages with no ecosystem identity (name and version only)';
  if (nvdRecords === 0) {
    return {
      vulnerabilities: [],
      entry: {
        target,
        ecosystem: 'NVD CPE',
        packages: packages.length,
        checked: false,
        advisories: 0,
        reason: 'the vulnerability database has no NVD records to match them against',
      },
    };
  }
  const vulnerabilities: Vulnerability[] = [];
  const unknown: string[] = [];
  for (const pkg of packages) {
    const compare = comparatorFor(pkg);
    try {
      compare(pkg.version, pkg.version);
    } catch (err) {
      if (!(err instanceof VersionError)) throw err;
      warnings.add(`${pkg.name} ${pkg.version} not matched against NVD: ${err.message}`);
      continue;
    }
    const candidates = cpeCandidates(pkg, index);
    if (candidates.length === 0) unknown.push(pkg.name);
    const best = new Map<string, Verdict>();
    for (const candidate of candidates) {
      for (const record of index.nvdRecordsFor(candidate.vendor, candidate.product)) {
        let verdict: Verdict | undefined;
        try {
          verdict = judge(record, candidate, compare);
        } catch (err) {
          if (!(err instanceof VersionError)) throw err;
          warnings.add(`${record.id} (NVD ${candidate.vendor}:${candidate.product}, ${pkg.name} ${pkg.version}) not evaluated: ${err.message}`);
        }
        const known = best.get(record.id);
        if (verdict && (!known || verdict.doubts.length < known.doubts.length)) best.set(record.id, verdict);
      }
    }
    vulnerabilities.push(...[...best.values()].map((v) => finding(pkg, v, compare, lookup, score)));
  }
  const count = (c: Confidence): number => vulnerabilities.filter((v) => v.confidence === c).length;
  const reasons = [
    `matched through NVD CPE configurations by name and version: ${new Set(vulnerabilities.map((v) => v.packageId)).size} of ${packages.length} packages affected, ${vulnerabilities.length} findings (${count('high')} high, ${count('medium')} medium, ${count('low')} low confidence)`,
    ...(unknown.length > 0
      ? [`${unknown.length} not known to NVD by name, so not checked: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', ...' : ''}`]
      : []),
    ...(nvdRecords < SPARSE_NVD ? [`the database holds only ${nvdRecords} NVD records; findings are likely incomplete`] : []),
  ];
  return {
    vulnerabilities,
    entry: { target, ecosystem: 'NVD CPE', packages: packages.length, checked: true, advisories: nvdRecords, reason: reasons.join('; ') },
  };
}
