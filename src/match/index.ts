// Inventory × vulnerability database → findings. OS packages are matched in their release's
// ecosystem by source package (Debian, Ubuntu) or origin (Alpine); language packages in their
// OSV ecosystem by normalised name. Language packages that a distribution package installed (recorded
// on it as `languagePurl`) are left to the distribution's data: distributions backport fixes without
// changing the upstream version. Packages with no ecosystem identity (a jar without a groupId) are
// matched through NVD's CPE configurations instead (cpe/), never OS packages.
import type { Package } from '../model/package.js';
import { VersionError } from '../versions/index.js';
import { normalizeName } from '../vulndb/schema.js';
import type { Advisory, VulnDatabase } from '../vulndb/index.js';
import { matchCpe } from './cpe/index.js';
import { isOsPackage, languageEcosystem, matchedByCpe, osEcosystem, type LanguageEcosystem } from './ecosystems.js';
import { mergeHits, type Hit } from './merge.js';
import { storedCvss4First, type CvssScorer } from './cvss/index.js';
import { evaluateAffected, type Compare, type RangeComparators } from './osv-range.js';
import { EnrichmentCache } from './enrichment-cache.js';
import { byPriority } from './priority.js';
import { severityRank } from '../model/severity.js';
import { distroRating } from './severity.js';
import type { CoverageEntry, MatchResult, Vulnerability, VulnStatus } from './types.js';
import type { OsInfo } from '../model/os.js';

export type * from './types.js';
export { evaluateAffected, evaluateRange, type AffectedVerdict, type RangeComparators } from './osv-range.js';
export { cvssScore, cvss3BaseScore, cvss4Score, severityFromScore } from './cvss/index.js';
export { countBySeverity, severityRank, SEVERITIES } from '../model/severity.js';
export { assignPriority, byPriority, EPSS_HIGH, EPSS_NOTABLE } from './priority.js';

interface Target {
  ecosystem: string;
  comparators: RangeComparators;
  names(p: Package): string[];
  version(p: Package): string;
  /** Set for OS packages: whose rating the severity is. */
  family?: string;
  display?: (version: string) => string;
}

type Lookup = (ecosystem: string, name: string) => Advisory[];

function statusOf(fixed: string | undefined, facts: (Record<string, unknown> | undefined)[]): VulnStatus {
  if (fixed !== undefined) return 'fixed';
  if (facts.some((f) => f?.status === 'end-of-life' || f?.nodsa_reason === 'ignored')) return 'wont-fix';
  return 'unfixed';
}

function hitsFor(pkg: Package, target: Target, lookup: Lookup, warnings: Set<string>): Hit[] {
  const { ecosystem, comparators } = target;
  const version = target.version(pkg);
  const hits: Hit[] = [];
  const seen = new Set<Advisory>();
  for (const name of target.names(pkg)) {
    const key = normalizeName(ecosystem, name);
    for (const advisory of lookup(ecosystem, name)) {
      if (advisory.withdrawn || seen.has(advisory)) continue;
      seen.add(advisory);
      const entries = (advisory.affected ?? []).filter((e) => e.package?.ecosystem === ecosystem && normalizeName(ecosystem, e.package.name) === key);
      const matched = [];
      let fixed: string | undefined;
      for (const entry of entries) {
        try {
          const verdict = evaluateAffected(entry, version, comparators);
          if (!verdict.affected) continue;
          if (verdict.emptyEvent)
            warnings.add(`${advisory.id}: a range ends in an empty "fixed" event; read as no fix, so every version from the introduced one on is affected`);
          matched.push(entry);
          if (verdict.fixed !== undefined && (fixed === undefined || comparators.ecosystem(verdict.fixed, fixed) < 0)) fixed = verdict.fixed;
        } catch (err) {
          if (!(err instanceof VersionError)) throw err;
          warnings.add(`${advisory.id} (${ecosystem} ${pkg.name} ${version}) not evaluated: ${err.message}`);
        }
      }
      if (matched.length === 0) continue;
      const rating = target.family
        ? matched
            .map((e) => distroRating(e, advisory))
            .filter((r) => r !== undefined)
            .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0]
        : undefined;
      hits.push({
        advisory,
        entries: matched,
        ...(fixed !== undefined ? { fixed } : {}),
        status: statusOf(
          fixed,
          matched.map((e) => e.ecosystem_specific),
        ),
        ...(rating ? { rating } : {}),
      });
    }
  }
  return hits;
}

function matchGroup(
  packages: Package[],
  target: Target,
  lookup: Lookup,
  enrichment: EnrichmentCache,
  score: CvssScorer,
  warnings: Set<string>,
): Vulnerability[] {
  const hits = packages.map((pkg) => ({ pkg, hits: hitsFor(pkg, target, lookup, warnings) }));
  enrichment.prefetch(hits.flatMap((h) => h.hits));
  const found = hits.flatMap(({ pkg, hits: own }) => mergeHits(pkg, own, target.comparators.ecosystem as Compare, enrichment.lookup, score, target.family));
  const display = target.display;
  if (display) for (const v of found) if (v.fixedVersion !== undefined) v.fixedVersion = display(v.fixedVersion);
  return found;
}

/** Fewer advisory records than this for a whole release or ecosystem means a sample or a broken feed, not real coverage. */
const SPARSE = 100;

function checkedEntry(target: string, ecosystem: string, packages: number, advisories: number): CoverageEntry {
  const entry: CoverageEntry = { target, ecosystem, packages, checked: true, advisories };
  if (advisories < SPARSE) entry.reason = `the database holds only ${advisories} advisories for ${ecosystem}; findings are likely incomplete`;
  return entry;
}

/** How many advisories the database holds for an ecosystem, asked once per ecosystem. */
type AdvisoryCounter = (ecosystem: string) => number;

function osTarget(os: OsInfo | undefined, packages: Package[], count: AdvisoryCounter): { target?: Target; entry: CoverageEntry } {
  if (!os) {
    return {
      entry: {
        target: 'OS packages',
        packages: packages.length,
        checked: false,
        reason: 'no operating system release was recognised, so there is no release to match its packages against',
      },
    };
  }
  const label = `${os.family} ${os.version}`;
  const eco = osEcosystem(os);
  if ('reason' in eco) return { entry: { target: label, packages: packages.length, checked: false, reason: eco.reason } };
  const advisories = count(eco.ecosystem);
  if (advisories === 0) {
    return {
      entry: {
        target: label,
        ecosystem: eco.ecosystem,
        packages: packages.length,
        checked: false,
        advisories,
        reason: `the vulnerability database has no advisories for ${eco.ecosystem}`,
      },
    };
  }
  return { target: eco, entry: checkedEntry(label, eco.ecosystem, packages.length, advisories) };
}

/**
 * Every known vulnerability of every inventoried package, and what could not be checked.
 * Findings come sorted by package, then priority (most urgent first, see priority.ts).
 */
export function matchVulnerabilities(inventory: { os?: OsInfo; packages: Package[] }, db: VulnDatabase): MatchResult {
  const cache = new Map<string, Advisory[]>();
  const lookup: Lookup = (ecosystem, name) => {
    const key = `${ecosystem}\0${name}`;
    let found = cache.get(key);
    if (!found) {
      found = db.advisoriesFor(ecosystem, name);
      cache.set(key, found);
    }
    return found;
  };
  const enrichment = new EnrichmentCache(db);
  const score = storedCvss4First((vector) => db.storedCvss4Score(vector));
  const warnings = new Set<string>();
  const entries: CoverageEntry[] = [];
  const vulnerabilities: Vulnerability[] = [];
  const counts = new Map<string, number>();
  const count: AdvisoryCounter = (ecosystem) => {
    let n = counts.get(ecosystem);
    if (n === undefined) counts.set(ecosystem, (n = db.advisoryCount(ecosystem)));
    return n;
  };
  const osPackages = inventory.packages.filter(isOsPackage);
  if (osPackages.length > 0) {
    const { target, entry } = osTarget(inventory.os, osPackages, count);
    entries.push(entry);
    if (target) vulnerabilities.push(...matchGroup(osPackages, target, lookup, enrichment, score, warnings));
  }
  const osIdentities = osPackages.flatMap((p) =>
    String(p.metadata?.languagePurl ?? '')
      .split(' ')
      .filter(Boolean),
  );
  if (osIdentities.length > 0) {
    entries.push({
      target: 'language packages installed by OS packages',
      packages: osIdentities.length,
      checked: false,
      reason:
        "judged by the distribution's advisories for the OS package that installed them (recorded as its languagePurl), since distributions backport fixes without changing upstream versions",
    });
  }
  const byType = new Map<string, { eco: LanguageEcosystem; own: Package[] }>();
  for (const p of inventory.packages) {
    const eco = isOsPackage(p) || matchedByCpe(p) ? undefined : languageEcosystem(p.type);
    if (eco) byType.set(p.type, { eco, own: [...(byType.get(p.type)?.own ?? []), p] });
  }
  for (const [type, { eco, own }] of byType) {
    const advisories = count(eco.ecosystem);
    if (advisories === 0) {
      entries.push({
        target: type,
        ecosystem: eco.ecosystem,
        packages: own.length,
        checked: false,
        advisories,
        reason: `the vulnerability database has no advisories for ${eco.ecosystem}`,
      });
      continue;
    }
    entries.push(checkedEntry(type, eco.ecosystem, own.length, advisories));
    vulnerabilities.push(...matchGroup(own, { ...eco, names: (p) => [p.name], version: (p) => p.version }, lookup, enrichment, score, warnings));
  }
  const byCpe = inventory.packages.filter(matchedByCpe);
  if (byCpe.length > 0) {
    const cpe = matchCpe(byCpe, db, db.nvdRecordCount(), enrichment.lookup, score, warnings);
    entries.push(cpe.entry);
    vulnerabilities.push(...cpe.vulnerabilities);
  }
  const order = new Map(inventory.packages.map((p, i) => [p.id, i]));
  vulnerabilities.sort((a, b) => (order.get(a.packageId) ?? 0) - (order.get(b.packageId) ?? 0) || byPriority(a, b));
  return { vulnerabilities, coverage: { entries, warnings: [...warnings].map((message) => ({ message, source: 'match' as const })) } };
}
