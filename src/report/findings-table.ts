import type { Finding } from '../model/finding.js';
import { SEVERITIES, countBySeverity } from '../model/severity.js';

/** One line per finding (`path:line  SEVERITY  ID  title`), then a summary line. */
export function renderFindingsTable(findings: readonly Pick<Finding, 'path' | 'line' | 'severity' | 'id' | 'title'>[]): string {
  const rows = findings.map((f) => [`${f.path ?? ''}${f.line ? `:${f.line}` : ''}`, f.severity, f.id, f.title]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c)).join('  '));
  const counts = countBySeverity(findings);
  const summary = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${s} ${counts[s]}`).join(', ');
  lines.push(`Findings: ${findings.length}${summary ? ` (${summary})` : ''}`);
  return `${lines.join('\n')}\n`;
}
