// The findings section of the table report: grouped by target (the OS package database, then each
// lock file, binary or package directory), one row per finding, a summary line with counts by
// severity, what was suppressed and by what, and what could not be checked and why.
import { countBySeverity } from '../match/severity.js';
import type { Coverage, Severity, Vulnerability } from '../match/types.js';
import type { PolicyResult } from '../policy/apply.js';

export interface VulnsTableInput {
  vulnerabilities: readonly Vulnerability[];
  coverage: Coverage;
  /** From applyPolicy: suppression counts and warnings. */
  policy?: Pick<PolicyResult, 'suppressedBy' | 'warnings'>;
}

const COLOURS: Record<Severity, string> = { CRITICAL: '\x1b[1;31m', HIGH: '\x1b[31m', MEDIUM: '\x1b[33m', LOW: '\x1b[34m', UNKNOWN: '\x1b[2m' };
const RESET = '\x1b[0m';
const ORDER: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

function columns(rows: string[][], colourCell?: (row: number, col: number, padded: string) => string): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r, ri) => r.map((c, ci) => (colourCell ? colourCell(ri, ci, c.padEnd(widths[ci] ?? 0)) : c.padEnd(widths[ci] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The section as text; `color` only when writing to a terminal. */
export function renderVulnerabilitiesTable(input: VulnsTableInput, options: { color?: boolean } = {}): string {
  const out: string[] = ['Vulnerabilities', ''];
  const byTarget = new Map<string, Vulnerability[]>();
  for (const v of input.vulnerabilities) {
    const target = v.path ?? v.packageType;
    byTarget.set(target, [...(byTarget.get(target) ?? []), v]);
  }
  for (const [target, found] of byTarget) {
    out.push(`${target} (${found.length})`);
    const rows = [['  PACKAGE', 'INSTALLED', 'FIXED', 'SEVERITY', 'ID', 'TITLE'], ...found.map((v) => [`  ${v.packageName}`, v.installedVersion, v.fixedVersion ?? `(${v.status})`, v.severity, v.id, shorten(v.title ?? '', 70)])];
    const severities = found.map((v) => v.severity);
    out.push(columns(rows, options.color ? (r, c, cell) => (r > 0 && c === 3 ? `${COLOURS[severities[r - 1] ?? 'UNKNOWN']}${cell}${RESET}` : cell) : undefined));
    out.push('');
  }
  const counts = countBySeverity(input.vulnerabilities);
  out.push(`Total: ${input.vulnerabilities.length} (${ORDER.map((s) => `${s}: ${counts[s]}`).join(', ')})`);
  const by = input.policy?.suppressedBy;
  if (by) {
    const parts = [['VEX', by.vex], ['ignore file', by['ignore-file']], ['--severity', by.severity], ['--ignore-unfixed', by.unfixed]].filter(([, n]) => Number(n) > 0);
    if (parts.length > 0) out.push(`Suppressed: ${parts.map(([what, n]) => `${n} by ${what}`).join(', ')}`);
  }
  for (const entry of input.coverage.entries) {
    if (!entry.checked) out.push(`Not checked: ${entry.target}: ${entry.packages} packages inventoried but not matched: ${entry.reason ?? 'no data'}`);
    else if (entry.reason) out.push(`Incomplete: ${entry.target}: ${entry.reason}`);
  }
  for (const w of [...input.coverage.warnings, ...(input.policy?.warnings ?? [])]) out.push(`Warning: ${w}`);
  return `${out.join('\n')}\n`;
}
