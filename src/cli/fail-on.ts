import { PlimsollError } from '../errors.js';
import type { Severity } from '../model/finding.js';
import { SEVERITIES } from '../report/findings-table.js';

/** Parses `--fail-on SEVERITY`. */
export function parseSeverity(text: string, flag: string): Severity {
  const severity = text.toUpperCase() as Severity;
  if (!SEVERITIES.includes(severity)) throw new PlimsollError(`${flag}: unknown severity "${text}" (one of ${SEVERITIES.join(', ')})`);
  return severity;
}

/** Whether any result is at or above the threshold (CRITICAL highest; UNKNOWN counts only for a threshold of UNKNOWN). */
export function breaches(results: readonly { severity: Severity }[], threshold: Severity): boolean {
  const rank = (s: Severity): number => (s === 'UNKNOWN' ? SEVERITIES.length : SEVERITIES.indexOf(s));
  return results.some((r) => rank(r.severity) <= rank(threshold));
}
