// CVSS v4.0 scores. v4.0 has no closed formula: scores come from FIRST's table of macro-vector
// scores and an interpolation within each macro vector. ae-cvss-calculator implements the
// specification's reference calculator (https://www.first.org/cvss/v4.0/specification-document).
import { cvssCalculator } from '../../lazy-require.js';

/** What every CVSS v4.0 vector starts with. */
export const CVSS4 = 'CVSS:4.0/';

/** The score of a `CVSS:4.0/...` vector (CVSS-B, -BT, -BE or -BTE by the metrics present); throws Error on an invalid vector. */
export function cvss4Score(vector: string): number {
  if (!vector.startsWith(CVSS4)) throw new Error('not a CVSS v4.0 vector');
  const parsed = new (cvssCalculator().Cvss4P0)(vector);
  if (!parsed.isBaseFullyDefined()) throw new Error('base metrics missing');
  return parsed.calculateOverallScore();
}
