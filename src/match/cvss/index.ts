// Scores and severities from CVSS vectors, computed from the vector itself rather than trusting
// a score or rating that a feed may state beside it.
import type { Severity } from '../../model/finding.js';
import { cvss3BaseScore } from './v3.js';
import { CVSS4, cvss4Score } from './v4.js';

export { cvss3BaseScore, cvss4Score };

/** The score of a CVSS v3.0, v3.1 or v4.0 vector; undefined for v2, other systems and invalid vectors. */
export function cvssScore(vector: string): number | undefined {
  try {
    if (vector.startsWith('CVSS:3.')) return cvss3BaseScore(vector);
    if (vector.startsWith(CVSS4)) return cvss4Score(vector);
  } catch {
    return undefined;
  }
  return undefined;
}

/** A vector's score (undefined: it does not compute, or is v2 or another system). */
export type CvssScorer = (vector: string) => number | undefined;

/**
 * Scores vectors taking v4.0 scores from `stored` (the database scores the vectors its records carry as
 * it stores them: a number, null when the vector does not compute, undefined when it has not scored it)
 * and computing the rest, so a scan loads FIRST's v4.0 calculator only for a vector the database lacks.
 */
export function storedCvss4First(stored: (vector: string) => number | null | undefined): CvssScorer {
  return (vector) => {
    const score = vector.startsWith(CVSS4) ? stored(vector) : undefined;
    return score === undefined ? cvssScore(vector) : (score ?? undefined);
  };
}

/** The qualitative rating both v3.x and v4.0 specifications define (None is reported as LOW). */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  return 'LOW';
}
