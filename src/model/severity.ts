// Severity: the one home of its names and order, for vulnerabilities, hardening findings,
// Dockerfile rules, policy and every reporter (the policy parses them from options: fail-on.ts).
import type { Severity } from './finding.js';

export type { Severity };

/** Highest first. */
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

const RANK: Record<Severity, number> = { UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

/** UNKNOWN lowest: a threshold of LOW does not catch what nobody rated, a threshold of UNKNOWN catches everything. */
export function severityRank(s: Severity): number {
  return RANK[s];
}

export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return RANK[s] >= RANK[threshold];
}

/** Counts per severity, every severity present. */
export function countBySeverity(items: readonly { severity: Severity }[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const item of items) counts[item.severity]++;
  return counts;
}
