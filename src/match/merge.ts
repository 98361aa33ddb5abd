// One finding per vulnerability and package: advisories that name each other (a GHSA aliasing a
// CVE, a Go record aliasing both, the Debian tracker's CVE record and the DSA that fixed it) are
// merged. An advisory that bundles several CVEs (a DSA, a USN) is split into one finding per
// CVE first, with the bundle's id as an alias of each, so it does not glue unrelated CVEs together.
import type { Package } from '../model/package.js';
import type { Advisory, OsvAffected } from '../vulndb/types.js';
import type { Compare } from './osv-range.js';
import { assess, packageFacts, type EnrichmentLookup } from './assess.js';
import type { CvssScorer } from './cvss/index.js';
import { severityRank } from '../model/severity.js';
import { advisoryCvss, statedRating, type DistroRating } from './severity.js';
import type { CvssScore, Vulnerability, VulnStatus } from './types.js';

/** One advisory found to affect one package. */
export interface Hit {
  advisory: Advisory;
  /** The advisory's `affected[]` entries that matched. */
  entries: OsvAffected[];
  fixed?: string;
  status: VulnStatus;
  /** The distribution's own rating, for OS packages. */
  rating?: DistroRating;
}

interface Unit {
  hit: Hit;
  /** Identifiers that make two units the same vulnerability. */
  keys: string[];
  /** Identifiers listed on the finding but not used to merge (a bundle's own id). */
  aliases: string[];
}

const isCve = (id: string): boolean => id.startsWith('CVE-');

function units(hit: Hit): Unit[] {
  const a = hit.advisory;
  const ids = [...new Set([a.id, ...(a.aliases ?? []), ...(a.upstream ?? [])])];
  const cves = ids.filter(isCve);
  if (!isCve(a.id) && cves.length > 1) return cves.map((cve) => ({ hit, keys: [cve], aliases: ids.filter((id) => !isCve(id)) }));
  return [{ hit, keys: ids, aliases: [] }];
}

/** CVE-2019-14697 before CVE-2019-100000: by year, then number. */
function cveOrder(a: string, b: string): number {
  const [, ya = '0', na = '0'] = a.split('-');
  const [, yb = '0', nb = '0'] = b.split('-');
  return Number(ya) - Number(yb) || Number(na) - Number(nb);
}

/** The CVE first, then a GHSA, then the rest by name. */
function primaryId(ids: string[]): string {
  const cves = ids.filter(isCve).sort(cveOrder);
  if (cves[0]) return cves[0];
  return ids.find((id) => id.startsWith('GHSA-')) ?? [...ids].sort()[0] ?? '';
}

function group(all: Unit[]): Unit[][] {
  const groups: { keys: Set<string>; units: Unit[] }[] = [];
  for (const unit of all) {
    const joined = groups.filter((g) => unit.keys.some((k) => g.keys.has(k)));
    const target = joined[0] ?? { keys: new Set<string>(), units: [] };
    if (!joined[0]) groups.push(target);
    for (const other of joined.slice(1)) {
      for (const k of other.keys) target.keys.add(k);
      target.units.push(...other.units);
      groups.splice(groups.indexOf(other), 1);
    }
    for (const k of unit.keys) target.keys.add(k);
    target.units.push(unit);
  }
  return groups.map((g) => g.units);
}

function title(advisories: Advisory[]): string | undefined {
  const summary = advisories.find((a) => a.summary?.trim())?.summary?.trim();
  if (summary) return summary;
  const details = advisories.find((a) => a.details?.trim())?.details?.trim();
  if (!details) return undefined;
  const line = details.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function finding(pkg: Package, group: Unit[], compare: Compare, family: string | undefined, lookup: EnrichmentLookup, score: CvssScorer): Vulnerability {
  const ids = [...new Set(group.flatMap((u) => [...u.keys, ...u.aliases]))];
  const id = primaryId(ids);
  const hits = [...new Set(group.map((u) => u.hit))];
  const advisories = hits.map((h) => h.advisory);
  let fixed: string | undefined;
  for (const h of hits) if (h.fixed !== undefined && (fixed === undefined || compare(h.fixed, fixed) < 0)) fixed = h.fixed;
  const status: VulnStatus = fixed !== undefined ? 'fixed' : hits.some((h) => h.status === 'wont-fix') ? 'wont-fix' : 'unfixed';

  const cvss: CvssScore[] = [];
  for (const h of hits) for (const c of advisoryCvss(h.advisory, h.entries, score)) if (!cvss.some((x) => x.vector === c.vector)) cvss.push(c);
  const distro = family ? hits.flatMap((h) => h.rating ?? []).sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0] : undefined;
  const stated = advisories.flatMap((a) => {
    const severity = statedRating(a);
    return severity ? [{ severity, advisory: a.id }] : [];
  })[0];

  const named = advisories.find((a) => a.id === id) ?? advisories[0];
  return assess(
    {
      id,
      aliases: ids.filter((x) => x !== id).sort(),
      ...packageFacts(pkg),
      ...(fixed !== undefined ? { fixedVersion: fixed } : {}),
      status,
      matchedBy: family ? 'distro' : 'ecosystem',
      dataSource: named?.source ?? '',
      dataSources: [...new Set(advisories.map((a) => a.source))].sort(),
      ...(title(advisories) ? { title: title(advisories) } : {}),
      references: [...new Set(advisories.flatMap((a) => (a.references ?? []).map((r) => r.url)))],
    },
    { ...(distro ? { distro } : {}), advisory: cvss, ...(stated ? { stated } : {}) },
    lookup,
    score,
  );
}

/** The findings for one package from the advisories that affect it, assessed. `family` is set for OS packages. */
export function mergeHits(pkg: Package, hits: readonly Hit[], compare: Compare, lookup: EnrichmentLookup, score: CvssScorer, family?: string): Vulnerability[] {
  return group(hits.flatMap(units)).map((g) => finding(pkg, g, compare, family, lookup, score));
}
