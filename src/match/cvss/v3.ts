// CVSS v3.0 and v3.1 base scores, from the FIRST specifications
// (https://www.first.org/cvss/v3.1/specification-document, section 7 and appendix A).
// Only the base score is computed: the temporal and environmental metrics a vector may carry
// are checked for valid values but, as in the advisories' own "base score", not applied.

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
} as const;
const PR_UNCHANGED = { N: 0.85, L: 0.62, H: 0.27 } as const;
const PR_CHANGED = { N: 0.85, L: 0.68, H: 0.5 } as const;

/** Values each metric may take (base, temporal, environmental), for validation. */
const ALLOWED: Record<string, readonly string[]> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'R'],
  S: ['U', 'C'],
  C: ['H', 'L', 'N'],
  I: ['H', 'L', 'N'],
  A: ['H', 'L', 'N'],
  E: ['X', 'H', 'F', 'P', 'U'],
  RL: ['X', 'U', 'W', 'T', 'O'],
  RC: ['X', 'C', 'R', 'U'],
  CR: ['X', 'H', 'M', 'L'],
  IR: ['X', 'H', 'M', 'L'],
  AR: ['X', 'H', 'M', 'L'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'R'],
  MS: ['X', 'U', 'C'],
  MC: ['X', 'H', 'L', 'N'],
  MI: ['X', 'H', 'L', 'N'],
  MA: ['X', 'H', 'L', 'N'],
};
const BASE = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'] as const;

/** Appendix A of v3.1: round up to one decimal, immune to floating-point error. */
function roundUp31(value: number): number {
  const scaled = Math.round(value * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/** v3.0 defines Roundup as the smallest number with one decimal that is not below the input. */
function roundUp30(value: number): number {
  return Math.ceil(value * 10) / 10;
}

/** The base score of a `CVSS:3.0/...` or `CVSS:3.1/...` vector; throws Error with the reason on an invalid vector. */
export function cvss3BaseScore(vector: string): number {
  const [prefix, ...parts] = vector.split('/');
  const version = prefix === 'CVSS:3.1' ? '3.1' : prefix === 'CVSS:3.0' ? '3.0' : undefined;
  if (!version) throw new Error('not a CVSS v3.0 or v3.1 vector');
  const metrics = new Map<string, string>();
  for (const part of parts) {
    const [key = '', value = '', extra] = part.split(':');
    if (extra !== undefined || !ALLOWED[key]?.includes(value)) throw new Error(`invalid metric ${part}`);
    if (metrics.has(key)) throw new Error(`metric ${key} given twice`);
    metrics.set(key, value);
  }
  for (const key of BASE) if (!metrics.has(key)) throw new Error(`base metric ${key} missing`);
  const get = <T extends Record<string, number>>(table: T, key: string): number => table[metrics.get(key) as keyof T] as number;

  const changed = metrics.get('S') === 'C';
  const iss = 1 - (1 - get(WEIGHTS.C, 'C')) * (1 - get(WEIGHTS.I, 'I')) * (1 - get(WEIGHTS.A, 'A'));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * get(WEIGHTS.AV, 'AV') * get(WEIGHTS.AC, 'AC') * get(changed ? PR_CHANGED : PR_UNCHANGED, 'PR') * get(WEIGHTS.UI, 'UI');
  if (impact <= 0) return 0;
  const roundUp = version === '3.1' ? roundUp31 : roundUp30;
  return roundUp(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10));
}
