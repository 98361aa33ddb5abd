// The findings section of the table report (hardening findings, Dockerfile lint): a header line,
// one row per finding, most severe first (in their original order within a severity, so a
// Dockerfile's stay in line order), fitted to the terminal's width like the vulnerabilities.
import type { Finding } from '../model/finding.js';
import { SEVERITIES, countBySeverity, severityRank } from '../model/severity.js';
import { fitColumns, type Column } from './columns.js';
import { inSeverityColour, type VulnsTableOptions } from './vulns-table.js';

type TableFinding = Pick<Finding, 'path' | 'line' | 'severity' | 'id' | 'title'>;

const COLUMNS: Column<TableFinding>[] = [
  { header: 'SEVERITY', cell: (f) => f.severity },
  { header: 'ID', cell: (f) => f.id, min: 12 },
  { header: 'PATH', cell: (f) => `${f.path ?? ''}${f.line ? `:${f.line}` : ''}`, min: 12 },
  { header: 'TITLE', cell: (f) => f.title, min: 20 },
];

/** The rows under their header, then a count by severity. */
export function renderFindingsTable(findings: readonly TableFinding[], options: VulnsTableOptions = {}): string {
  const sorted = [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const colour = options.color
    ? (f: TableFinding, header: string, cell: string): string => (header === 'SEVERITY' ? inSeverityColour(f.severity, cell) : cell)
    : undefined;
  const lines = sorted.length > 0 ? fitColumns(COLUMNS, sorted, { ...(options.width ? { width: options.width } : {}), ...(colour ? { colour } : {}) }) : [];
  const counts = countBySeverity(findings);
  const summary = SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${s} ${counts[s]}`)
    .join(', ');
  lines.push(`Findings: ${findings.length}${summary ? ` (${summary})` : ''}`);
  return `${lines.join('\n')}\n`;
}
