// Scores and severities from CVSS vectors, computed from the vector itself rather than trusting
// a score or rating that a feed may state beside it.
import type { Severity } from '../../model/finding.js';
import { cvss3BaseScore } from './v3.js';
import { cvss4Score } from './v4.js';

export { cvss3BaseScore, cvss4Score };

/** The score of a CVSS v3.0, v3.1 or v4.0 vector; undefined for v2, other systems and invalid vectors. */
export function cvssScore(vector: string): number | undefined {
  try {
    if (vector.startsWith('CVSS:3.')) return cvss3BaseScore(vector);
    if (vector.startsWith('CVSS:4.0/')) return cvss4Score(vector);
  } catch {
    return undefined;
  }
  return undefined;
}

/** The qualitative rating both v3.x and v4.0 specifications define (None is reported as LOW). */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  return 'LOW';
}
