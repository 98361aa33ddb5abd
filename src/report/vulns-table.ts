// The findings section of the table report: one row per finding, most urgent first (priority,
// see match/priority.ts), with KEV marked and EPSS shown; columns shrink to the terminal's width
// so the table stays readable at 80 columns. Then counts by severity (UNKNOWN said aloud) and by
// priority, what was suppressed and by what, and what could not be checked and why. Warnings are
// the report's (table.ts lists them all once).
import { byPriority } from '../match/priority.js';
import type { Coverage, Priority, Severity, Vulnerability } from '../match/types.js';
import { SEVERITIES, countBySeverity } from '../model/severity.js';
import type { PolicyResult } from '../policy/apply.js';
import { fitColumns, type Column } from './columns.js';

export interface VulnsTableInput {
  vulnerabilities: readonly Vulnerability[];
  coverage: Coverage;
  /** From applyPolicy: suppression counts. */
  policy?: Pick<PolicyResult, 'suppressedBy'>;
}

export interface VulnsTableOptions {
  /** ANSI colours, for a terminal. */
  color?: boolean;
  /** The terminal's width; without it the table is as wide as its content (titles cut at 70). */
  width?: number;
}

const COLOURS: Record<Severity, string> = { CRITICAL: '\x1b[1;31m', HIGH: '\x1b[31m', MEDIUM: '\x1b[33m', LOW: '\x1b[34m', UNKNOWN: '\x1b[2m' };
const RESET = '\x1b[0m';

/** A cell in its severity's colour, for every table that shows severities. */
export function inSeverityColour(severity: Severity, cell: string): string {
  return `${COLOURS[severity]}${cell}${RESET}`;
}
const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];
const LEGEND = 'P1 known exploited (CISA KEV) · P2 EPSS ≥ 10% or CRITICAL · P3 EPSS ≥ 1% or HIGH · P4 the rest';

function epssText(v: Vulnerability): string {
  if (!v.epss) return '-';
  const pct = v.epss.score * 100;
  return `${pct >= 10 ? pct.toFixed(0) : pct.toFixed(pct >= 1 ? 1 : 2)}%`;
}

const COLUMNS: Column<Vulnerability>[] = [
  { header: 'PRI', cell: (v) => v.priority },
  { header: 'SEVERITY', cell: (v) => v.severity },
  { header: 'ID', cell: (v) => v.id, min: 14 },
  { header: 'KEV', cell: (v) => (v.kev ? 'KEV' : '') },
  { header: 'EPSS', cell: epssText },
  { header: 'PACKAGE', cell: (v) => v.packageName, min: 10 },
  { header: 'INSTALLED', cell: (v) => v.installedVersion, min: 8 },
  { header: 'FIXED', cell: (v) => v.fixedVersion ?? `(${v.status})`, min: 8 },
  { header: 'TITLE', cell: (v) => v.title ?? '', min: 0, max: 70, dropFirst: true },
];

/** The section as text; `color` only when writing to a terminal. */
export function renderVulnerabilitiesTable(input: VulnsTableInput, options: VulnsTableOptions = {}): string {
  const sorted = [...input.vulnerabilities].sort(byPriority);
  const out: string[] = [`Vulnerabilities (${sorted.length})`, ''];
  if (sorted.length > 0) {
    const colour = options.color
      ? (v: Vulnerability, header: string, cell: string): string =>
          header === 'SEVERITY' ? inSeverityColour(v.severity, cell) : header === 'KEV' && v.kev ? `${COLOURS.CRITICAL}${cell}${RESET}` : cell
      : undefined;
    out.push(...fitColumns(COLUMNS, sorted, { ...(options.width ? { width: options.width } : {}), ...(colour ? { colour } : {}) }), '');
  }
  const counts = countBySeverity(sorted);
  out.push(`Total: ${sorted.length} (${SEVERITIES.map((s) => `${s}: ${counts[s]}`).join(', ')})`);
  if (counts.UNKNOWN > 0) out.push(`Unrated: ${counts.UNKNOWN} rated by no source (no distribution, advisory or NVD severity)`);
  if (sorted.length > 0) {
    const byPri = Object.fromEntries(PRIORITIES.map((p) => [p, sorted.filter((v) => v.priority === p).length]));
    const kev = sorted.filter((v) => v.kev).length;
    out.push(`Priority: ${PRIORITIES.map((p) => `${p}: ${byPri[p]}`).join(', ')}; known exploited (KEV): ${kev}`, `  ${LEGEND}`);
  }
  const by = input.policy?.suppressedBy;
  if (by) {
    const parts = [
      ['VEX', by.vex],
      ['ignore file', by['ignore-file']],
      ['--severity', by.severity],
      ['--ignore-unfixed', by.unfixed],
    ].filter(([, n]) => Number(n) > 0);
    if (parts.length > 0) out.push(`Suppressed: ${parts.map(([what, n]) => `${n} by ${what}`).join(', ')}`);
  }
  for (const entry of input.coverage.entries) {
    if (!entry.checked) out.push(`Not checked: ${entry.target}: ${entry.packages} packages inventoried but not matched: ${entry.reason ?? 'no data'}`);
    else if (entry.reason) out.push(`Incomplete: ${entry.target}: ${entry.reason}`);
  }
  return `${out.join('\n')}\n`;
}
