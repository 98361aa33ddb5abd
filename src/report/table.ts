import { isOsPackage } from '../ecosystems/registry.js';
import type { Report } from './report.js';
import { warningText } from '../model/warning.js';
import { renderFindingsTable } from './findings-table.js';
import { renderVulnerabilitiesTable, type VulnsTableOptions } from './vulns-table.js';

export interface TableOptions extends VulnsTableOptions {
  /** List every package as well as the vulnerabilities (`--list-all-pkgs`). */
  listPackages?: boolean;
}

function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function header(a: Report['artifact']): string[] {
  const os = a.os ? `${a.os.family} ${a.os.version}${a.os.codename ? ` (${a.os.codename})` : ''}${a.os.eol ? ' — end of life' : ''}` : 'none recognised';
  return [
    `Image:    ${a.ref}`,
    `Digest:   ${a.digest ?? '-'}`,
    `Platform: ${a.platform ?? '-'}`,
    `OS:       ${os}`,
    `User:     ${a.config.user || 'root (none set)'}`,
    `Layers:   ${a.layers.length}`,
    ...(a.baseImage ? [`Base:     ${a.baseImage.kind}${a.baseImage.name ? ` (${a.baseImage.name})` : ''}`] : []),
    '',
  ];
}

/** Packages grouped by target: the OS, then each file they were read from. */
function packageSection(report: Report): string[] {
  const a = report.artifact;
  const byTarget = new Map<string, Report['packages']>();
  const osTarget = `OS packages${a.os ? ` (${a.os.family} ${a.os.version})` : ''}`;
  for (const p of report.packages) {
    const target = isOsPackage(p) ? osTarget : (p.locations[0]?.path ?? '-');
    byTarget.set(target, [...(byTarget.get(target) ?? []), p]);
  }
  return [...byTarget].flatMap(([target, packages]) => [
    `${target} (${packages.length})`,
    columns([['  NAME', 'VERSION', 'TYPE', 'LAYER'], ...packages.map((p) => [`  ${p.name}`, p.version, p.type, String(p.locations[0]?.layerIndex ?? '-')])]),
    '',
  ]);
}

function vulnerabilitySection(report: Report, options: TableOptions): string[] {
  if (!report.vulnerabilities || !report.coverage) return [];
  const policy = report.policy ? { policy: { suppressedBy: report.policy.suppressedBy } } : {};
  const byOrigin = report.summary.vulnerabilitiesByOrigin;
  return [
    renderVulnerabilitiesTable({ vulnerabilities: report.vulnerabilities, coverage: report.coverage, ...policy }, options).trimEnd(),
    ...(byOrigin ? [`By origin: ${byOrigin.base} from the base image, ${byOrigin.own} from your own layers`] : []),
    '',
  ];
}

/**
 * The human-readable report: what the image is, its packages (when the vulnerability scanner did
 * not run, or with `listPackages`; they are always in `--format json` and `plimsoll sbom`), its
 * vulnerabilities, its hardening findings and the base-image recommendation.
 */
export function renderReportTable(report: Report, options: TableOptions = {}): string {
  const a = report.artifact;
  const packages = !report.vulnerabilities || options.listPackages ? packageSection(report) : [];
  const out = [...header(a), ...packages, ...(report.vulnerabilities ? vulnerabilitySection(report, options) : [])];
  const hidden = report.policy?.findingsSuppressedBy.severity ?? 0;
  if (report.findings.length > 0 || hidden > 0) {
    out.push(`Hardening findings (${report.findings.length})`, '', renderFindingsTable(report.findings, options).trimEnd());
    if (hidden > 0) out.push(`Suppressed: ${hidden} by --severity`);
    out.push('');
  }
  if (a.recommendation) out.push(`Recommendation: ${a.recommendation}`, '');
  const counts = Object.entries(report.summary.packagesByType)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  out.push(`Packages: ${report.summary.packages}${counts ? ` (${counts})` : ''}`);
  for (const w of report.warnings) out.push(`Warning: ${warningText(w)}`);
  for (const notice of report.attributions ?? []) out.push(notice);
  return `${out.join('\n')}\n`;
}
