// What fails the scan (exit 1): `--fail-on` takes severities and `kev`, comma-separated (any one
// met fails), and `--fail-on-epss` an exploitation probability. Each failure says why, so the
// user sees which findings tripped the gate.
import { InputError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import { SEVERITIES, atOrAbove, type Severity } from '../model/severity.js';
import type { Vulnerability } from '../match/types.js';

export interface FailOn {
  /** Fail on a finding at or above this severity. */
  severity?: Severity;
  /** Fail on a vulnerability CISA lists as known exploited. */
  kev?: boolean;
  /** Fail on a vulnerability whose EPSS score is at or above this probability (0-1). */
  epss?: number;
  /** Fail on anything that remains, as Trivy's `--exit-code` does without `--fail-on`. */
  any?: boolean;
}

/** One finding that failed the gate, and the condition it met. */
export interface PolicyFailure {
  id: string;
  /** The package (vulnerabilities) or path (hardening findings) concerned. */
  subject: string;
  reason: string;
}

/** `high` → 'HIGH'; anything else is an InputError naming the option. */
export function parseSeverity(text: string, option = '--fail-on'): Severity {
  const upper = text.trim().toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(upper))
    throw new InputError(`${option}: unknown severity '${text.trim()}' (expected ${SEVERITIES.join(', ')})`);
  return upper as Severity;
}

/** `--severity HIGH,critical` → ['HIGH', 'CRITICAL']. */
export function parseSeverityList(text: string, option = '--severity'): Severity[] {
  return text.split(',').map((s) => parseSeverity(s, option));
}

/** `--fail-on high,kev` → { severity: 'HIGH', kev: true }. */
export function parseFailOn(text: string, option = '--fail-on'): FailOn {
  const failOn: FailOn = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (part.toLowerCase() === 'kev') failOn.kev = true;
    else failOn.severity = parseSeverity(part, option);
  }
  return failOn;
}

/** `0.1`, or `10%`. */
export function parseEpssThreshold(text: string, option = '--fail-on-epss'): number {
  const percent = text.trim().endsWith('%');
  const value = Number(percent ? text.trim().slice(0, -1) : text.trim());
  const probability = percent ? value / 100 : value;
  if (!Number.isFinite(probability) || probability < 0 || probability > 1 || text.trim() === '') {
    throw new InputError(`${option}: not a probability: '${text}' (e.g. 0.1 or 10%)`);
  }
  return probability;
}

export function vulnerabilityFailures(vulnerabilities: readonly Vulnerability[], failOn: FailOn): PolicyFailure[] {
  return vulnerabilities.flatMap((v) => {
    const reasons: string[] = [];
    if (failOn.any) reasons.push('reported');
    else if (failOn.severity && atOrAbove(v.severity, failOn.severity)) reasons.push(`severity ${v.severity}`);
    if (failOn.kev && v.kev) reasons.push('known exploited (CISA KEV)');
    if (failOn.epss !== undefined && v.epss && v.epss.score >= failOn.epss) reasons.push(`EPSS ${v.epss.score} >= ${failOn.epss}`);
    return reasons.length > 0 ? [{ id: v.id, subject: `${v.packageName} ${v.installedVersion}`, reason: reasons.join(', ') }] : [];
  });
}

/** Hardening and Dockerfile findings fail on severity alone. */
export function findingFailures(findings: readonly Pick<Finding, 'id' | 'severity' | 'path'>[], threshold: Severity | undefined): PolicyFailure[] {
  if (!threshold) return [];
  return findings.filter((f) => atOrAbove(f.severity, threshold)).map((f) => ({ id: f.id, subject: f.path ?? 'image', reason: `severity ${f.severity}` }));
}
