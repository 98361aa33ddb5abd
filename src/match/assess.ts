// What every finding carries besides the match itself, whichever matcher found it: the severity
// and who says so, every CVSS score with its scorer, NVD's CWEs, the KEV listing, EPSS, and the
// priority those give.
import type { Package } from '../model/package.js';
import type { CveEnrichment } from '../vulndb/types.js';
import type { CvssScorer } from './cvss/index.js';
import { assignPriority } from './priority.js';
import { nvdCvss, resolveSeverity, type SeverityInputs } from './severity.js';
import type { KevFacts, Vulnerability } from './types.js';

/** A finding before it is assessed. */
export type MatchedVulnerability = Omit<
  Vulnerability,
  'severity' | 'severitySource' | 'severityReason' | 'cvss' | 'score' | 'cwes' | 'kev' | 'epss' | 'priority' | 'priorityReason'
>;

/** What a finding says of the package it is in, whichever matcher found it. */
export function packageFacts(pkg: Package): Pick<Vulnerability, 'packageId' | 'packageName' | 'packageType' | 'purl' | 'installedVersion' | 'layer' | 'path'> {
  const location = pkg.locations[0];
  return {
    packageId: pkg.id,
    packageName: pkg.name,
    packageType: pkg.type,
    purl: pkg.purl,
    installedVersion: pkg.version,
    ...(location ? { layer: location.layer.digest, path: location.path } : {}),
  };
}

/** Looks up enrichment by CVE id (cached by the caller: many packages share a CVE). */
export type EnrichmentLookup = (cve: string) => CveEnrichment;

/** The CVE a finding is known by: its id, else the first CVE among its aliases. */
export function cveOf(v: Pick<Vulnerability, 'id' | 'aliases'>): string | undefined {
  return [v.id, ...v.aliases].find((id) => /^CVE-\d{4}-\d+$/.test(id));
}

export function assess(found: MatchedVulnerability, ratings: Omit<SeverityInputs, 'nvd'>, lookup: EnrichmentLookup, score: CvssScorer): Vulnerability {
  const cve = cveOf(found);
  const enrichment = cve ? lookup(cve) : {};
  const nvd = enrichment.nvd ? nvdCvss(enrichment.nvd, score) : [];
  const severity = resolveSeverity({ ...ratings, nvd });
  const cvss = [...ratings.advisory, ...nvd.filter((c) => !ratings.advisory.some((a) => a.vector === c.vector && a.source === c.source))];
  const kev: KevFacts | undefined = enrichment.kev
    ? {
        dateAdded: enrichment.kev.dateAdded,
        dueDate: enrichment.kev.dueDate,
        knownRansomwareCampaignUse: enrichment.kev.knownRansomwareCampaignUse,
        requiredAction: enrichment.kev.requiredAction,
      }
    : undefined;
  const epss = enrichment.epss ? { score: enrichment.epss.score, percentile: enrichment.epss.percentile, date: enrichment.epss.date } : undefined;
  const facts = {
    ...found,
    ...severity,
    cvss,
    ...(enrichment.nvd?.cwes.length ? { cwes: enrichment.nvd.cwes } : {}),
    ...(kev ? { kev } : {}),
    ...(epss ? { epss } : {}),
  };
  return { ...facts, ...assignPriority(facts) };
}
