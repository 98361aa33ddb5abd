// A finding's severity, and who says so. One order, first source that rates it wins:
//   1. the distribution's own rating, for its own packages (Debian's tracker urgency, Ubuntu's
//      priority): it knows how the package is built and used there;
//   2. the advisory's own rating: the newest CVSS version among the vectors the matched records
//      carry (v4.0, v3.1, v3.0; highest score within a version), else GitHub's stated severity;
//   3. NVD's CVSS: its Primary metric (NVD's own analysis), else the Secondary (the CNA's),
//      preferring v4.0, then v3.1, v3.0 and v2 within each;
//   4. UNKNOWN, only when none of these rates it.
// Scores are computed from the vectors (v3.x, v4.0), not taken from the feed; v2 keeps NVD's score.
import type { Severity } from '../model/severity.js';
import type { Advisory, NvdRecord, OsvAffected } from '../vulndb/types.js';
import { severityFromScore, type CvssScorer } from './cvss/index.js';
import type { CvssScore, SeveritySource } from './types.js';

const DEBIAN_URGENCY: Record<string, Severity> = { unimportant: 'LOW', low: 'LOW', medium: 'MEDIUM', high: 'HIGH' };
const UBUNTU_PRIORITY: Record<string, Severity> = { negligible: 'LOW', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };
const GHSA_SEVERITY: Record<string, Severity> = { LOW: 'LOW', MODERATE: 'MEDIUM', MEDIUM: 'MEDIUM', HIGH: 'HIGH', CRITICAL: 'CRITICAL' };

/** A distribution's rating, with the words it used. */
export interface DistroRating {
  source: 'debian' | 'ubuntu';
  severity: Severity;
  /** `Debian security tracker urgency "low"`. */
  reason: string;
}

/** The distribution's rating in one affected entry: Debian's tracker urgency (`low**` means unconfirmed), Ubuntu's priority. */
export function distroRating(entry: OsvAffected, advisory: Advisory): DistroRating | undefined {
  const urgency = entry.ecosystem_specific?.urgency;
  if (typeof urgency === 'string') {
    const severity = DEBIAN_URGENCY[urgency.replace(/\*+$/, '')];
    if (severity) return { source: 'debian', severity, reason: `Debian security tracker urgency "${urgency}"` };
  }
  for (const s of [...(entry.severity ?? []), ...(advisory.severity ?? [])]) {
    if (s.type === 'Ubuntu') {
      const severity = UBUNTU_PRIORITY[s.score.toLowerCase()];
      if (severity) return { source: 'ubuntu', severity, reason: `Ubuntu priority "${s.score}" (${advisory.id})` };
    }
  }
  return undefined;
}

const VERSION_OF: Record<string, CvssScore['version']> = { 'CVSS:4.0': '4.0', 'CVSS:3.1': '3.1', 'CVSS:3.0': '3.0' };

/** Every CVSS v3.x / v4.0 vector of an advisory and of its matching entries, scored from the vector. */
export function advisoryCvss(advisory: Advisory, entries: readonly OsvAffected[], cvssScore: CvssScorer): CvssScore[] {
  const out: CvssScore[] = [];
  for (const s of [...(advisory.severity ?? []), ...entries.flatMap((e) => e.severity ?? [])]) {
    if (s.type !== 'CVSS_V3' && s.type !== 'CVSS_V4') continue;
    const version = VERSION_OF[s.score.slice(0, 8)];
    const score = cvssScore(s.score);
    if (version && score !== undefined && !out.some((c) => c.vector === s.score))
      out.push({ source: advisory.id, from: 'advisory', version, vector: s.score, score });
  }
  return out;
}

/** NVD's metrics as scores: v3.x and v4.0 recomputed from the vector (a vector that does not compute is left out), v2 as published. */
export function nvdCvss(record: NvdRecord, cvssScore: CvssScorer): CvssScore[] {
  return record.cvss.flatMap((m): CvssScore[] => {
    const score = m.version === '2.0' ? m.baseScore : cvssScore(m.vector);
    return score === undefined ? [] : [{ source: m.source, from: 'nvd', type: m.type, version: m.version, vector: m.vector, score }];
  });
}

/** GitHub's stated rating (`database_specific.severity`), used only when no vector is given. */
export function statedRating(advisory: Advisory): Severity | undefined {
  const stated = advisory.database_specific?.severity;
  return typeof stated === 'string' ? GHSA_SEVERITY[stated.toUpperCase()] : undefined;
}

const VERSION_RANK: Record<CvssScore['version'], number> = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 };

/** The newest CVSS version wins (v4.0 over v3.1 over v3.0 over v2); within one version the highest score. */
function best(scores: readonly CvssScore[]): CvssScore | undefined {
  return [...scores].sort((a, b) => VERSION_RANK[b.version] - VERSION_RANK[a.version] || b.score - a.score)[0];
}

/** A score's qualitative rating in its own version; v2's scale has no CRITICAL: 0-3.9 LOW, 4-6.9 MEDIUM, 7-10 HIGH (NVD's own mapping). */
export function cvssSeverity(c: Pick<CvssScore, 'version' | 'score'>): Severity {
  if (c.version === '2.0') return c.score >= 7 ? 'HIGH' : c.score >= 4 ? 'MEDIUM' : 'LOW';
  return severityFromScore(c.score);
}

export interface SeverityInputs {
  distro?: DistroRating;
  /** Vectors the matched advisories carry. */
  advisory: readonly CvssScore[];
  /** GitHub's stated rating and the advisory that states it. */
  stated?: { severity: Severity; advisory: string };
  /** NVD's metrics for the CVE. */
  nvd: readonly CvssScore[];
}

export interface ResolvedSeverity {
  severity: Severity;
  severitySource: SeveritySource;
  severityReason: string;
  score?: number;
}

const describe = (c: CvssScore): string => `CVSS ${c.version} ${c.score.toFixed(1)}`;

/** The documented order, applied. */
export function resolveSeverity(inputs: SeverityInputs): ResolvedSeverity {
  const fromAdvisory = best(inputs.advisory);
  const primary = best(inputs.nvd.filter((c) => c.type === 'Primary'));
  const secondary = best(inputs.nvd.filter((c) => c.type !== 'Primary'));
  // The score SARIF ranks by when a rating, not a vector, set the severity.
  const firstScore = (fromAdvisory ?? primary ?? secondary)?.score;
  const withScore = (resolved: Omit<ResolvedSeverity, 'score'>, score: number | undefined): ResolvedSeverity =>
    score === undefined ? resolved : { ...resolved, score };
  if (inputs.distro)
    return withScore({ severity: inputs.distro.severity, severitySource: inputs.distro.source, severityReason: inputs.distro.reason }, firstScore);
  if (fromAdvisory)
    return {
      severity: cvssSeverity(fromAdvisory),
      severitySource: 'advisory',
      severityReason: `${fromAdvisory.source} ${describe(fromAdvisory)}`,
      score: fromAdvisory.score,
    };
  if (inputs.stated)
    return withScore(
      { severity: inputs.stated.severity, severitySource: 'ghsa', severityReason: `GitHub-reviewed severity of ${inputs.stated.advisory}` },
      firstScore,
    );
  if (primary)
    return { severity: cvssSeverity(primary), severitySource: 'nvd', severityReason: `NVD (${primary.source}) ${describe(primary)}`, score: primary.score };
  if (secondary)
    return {
      severity: cvssSeverity(secondary),
      severitySource: 'cna',
      severityReason: `NVD record, scored by ${secondary.source}: ${describe(secondary)}`,
      score: secondary.score,
    };
  return { severity: 'UNKNOWN', severitySource: 'none', severityReason: 'no source rates it' };
}
