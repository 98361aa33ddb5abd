// Severity: the one home of its names, order and parsing, for vulnerabilities, hardening findings,
// Dockerfile rules, policy and every reporter.
import { InputError } from '../errors.js';
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

/** `high` → 'HIGH'; anything else is an InputError naming the option. */
export function parseSeverity(text: string, option = '--fail-on'): Severity {
  const upper = text.trim().toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(upper)) throw new InputError(`${option}: unknown severity '${text.trim()}' (expected ${SEVERITIES.join(', ')})`);
  return upper as Severity;
}

/** `--severity HIGH,critical` → ['HIGH', 'CRITICAL']. */
export function parseSeverityList(text: string, option = '--severity'): Severity[] {
  return text.split(',').map((s) => parseSeverity(s, option));
}
