import type { Report } from './report.js';
import { renderFindingsTable } from './findings-table.js';

function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** The human-readable report: what the image is, its packages grouped by target (the OS, then each file they were read from), its findings. */
export function renderReportTable(report: Report): string {
  const a = report.artifact;
  const os = a.os ? `${a.os.family} ${a.os.version}${a.os.codename ? ` (${a.os.codename})` : ''}${a.os.eol ? ' — end of life' : ''}` : 'none recognised';
  const out = [
    `Image:    ${a.ref}`,
    `Digest:   ${a.digest ?? '-'}`,
    `Platform: ${a.platform ?? '-'}`,
    `OS:       ${os}`,
    `User:     ${a.config.user || 'root (none set)'}`,
    `Layers:   ${a.layers.length}`,
    ...(a.baseImage ? [`Base:     ${a.baseImage.kind}${a.baseImage.name ? ` (${a.baseImage.name})` : ''}`] : []),
    '',
  ];
  const byTarget = new Map<string, Report['packages']>();
  const osTarget = `OS packages${a.os ? ` (${a.os.family} ${a.os.version})` : ''}`;
  for (const p of report.packages) {
    const target = p.type === 'deb' || p.type === 'apk' || p.type === 'rpm' ? osTarget : (p.locations[0]?.path ?? '-');
    byTarget.set(target, [...(byTarget.get(target) ?? []), p]);
  }
  for (const [target, packages] of byTarget) {
    out.push(`${target} (${packages.length})`);
    out.push(columns([['  NAME', 'VERSION', 'TYPE', 'LAYER'], ...packages.map((p) => [`  ${p.name}`, p.version, p.type, String(p.locations[0]?.layerIndex ?? '-')])]));
    out.push('');
  }
  if (report.findings.length > 0) {
    out.push('Hardening findings');
    out.push(renderFindingsTable(report.findings.map((f) => ({ ...f, layer: undefined, deletedIn: undefined }))).trimEnd());
    out.push('');
  }
  if (a.recommendation) out.push(`Recommendation: ${a.recommendation}`, '');
  const counts = Object.entries(report.summary.packagesByType).map(([t, n]) => `${t} ${n}`).join(', ');
  out.push(`Packages: ${report.summary.packages}${counts ? ` (${counts})` : ''}`);
  for (const w of report.warnings) out.push(`Warning: ${w.path ? `${w.path}: ` : ''}${w.message}`);
  return `${out.join('\n')}\n`;
}
