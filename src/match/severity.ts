// A finding's severity: the distribution's own rating for its packages (it knows how the
// package is built and used there), otherwise the CVSS vectors computed from the vector, otherwise
// the rating an advisory database states (GitHub's), otherwise UNKNOWN.
import type { Severity } from '../model/finding.js';
import type { Advisory, OsvAffected } from '../vulndb/types.js';
import { cvssScore, severityFromScore } from './cvss/index.js';
import type { CvssScore } from './types.js';

const DEBIAN_URGENCY: Record<string, Severity> = { unimportant: 'LOW', low: 'LOW', medium: 'MEDIUM', high: 'HIGH' };
const UBUNTU_PRIORITY: Record<string, Severity> = { negligible: 'LOW', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };
const GHSA_SEVERITY: Record<string, Severity> = { LOW: 'LOW', MODERATE: 'MEDIUM', MEDIUM: 'MEDIUM', HIGH: 'HIGH', CRITICAL: 'CRITICAL' };

const RANK: Record<Severity, number> = { UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

export function severityRank(s: Severity): number {
  return RANK[s];
}

/** The distribution's rating in one affected entry: Debian's tracker urgency (`low**` means unconfirmed), Ubuntu's priority. */
export function distroRating(entry: OsvAffected, advisory: Advisory): Severity | undefined {
  const urgency = entry.ecosystem_specific?.urgency;
  if (typeof urgency === 'string') {
    const rating = DEBIAN_URGENCY[urgency.replace(/\*+$/, '')];
    if (rating) return rating;
  }
  for (const s of [...(entry.severity ?? []), ...(advisory.severity ?? [])]) {
    if (s.type === 'Ubuntu') {
      const rating = UBUNTU_PRIORITY[s.score.toLowerCase()];
      if (rating) return rating;
    }
  }
  return undefined;
}

/** Every CVSS v3.x / v4.0 vector of an advisory and of its matching entries, scored from the vector. */
export function cvssScores(advisory: Advisory, entries: readonly OsvAffected[]): CvssScore[] {
  const out: CvssScore[] = [];
  for (const s of [...(advisory.severity ?? []), ...entries.flatMap((e) => e.severity ?? [])]) {
    if (s.type !== 'CVSS_V3' && s.type !== 'CVSS_V4') continue;
    const score = cvssScore(s.score);
    if (score !== undefined && !out.some((c) => c.vector === s.score)) out.push({ source: advisory.id, vector: s.score, score });
  }
  return out;
}

/** GitHub's stated rating (`database_specific.severity`), used only when no vector is given. */
export function statedRating(advisory: Advisory): Severity | undefined {
  const stated = advisory.database_specific?.severity;
  return typeof stated === 'string' ? GHSA_SEVERITY[stated.toUpperCase()] : undefined;
}

/** The newest CVSS version wins (v4.0 over v3.1 over v3.0); within one version the highest score. */
export function severityFromCvss(scores: readonly CvssScore[]): Severity | undefined {
  const version = (c: CvssScore): number => Number(/^CVSS:(\d\.\d)/.exec(c.vector)?.[1] ?? 0);
  const best = [...scores].sort((a, b) => version(b) - version(a) || b.score - a.score)[0];
  return best ? severityFromScore(best.score) : undefined;
}

/** The JSON summary's `vulnerabilities` counts. */
export function countBySeverity(vulnerabilities: readonly { severity: Severity }[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const v of vulnerabilities) counts[v.severity]++;
  return counts;
}
