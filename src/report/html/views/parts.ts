// Small pieces the views share: severity and priority marks, KEV and EPSS marks, count cards and cells.
import { PRIORITIES } from '../../../match/priority.js';
import type { Priority, Vulnerability } from '../../../match/types.js';
import type { Severity } from '../../../model/finding.js';
import { SEVERITIES } from '../../../model/severity.js';
import { html, type Html } from '../escape.js';

export function severityMark(severity: Severity): Html {
  return html`<span class="sev sev-${severity}">${severity}</span>`;
}

export function priorityMark(priority: Priority): Html {
  return html`<span class="prio prio-${priority}">${priority}</span>`;
}

export function kevMark(v: Pick<Vulnerability, 'kev'>): Html {
  return v.kev
    ? html`<span class="kev" title="${`In CISA's Known Exploited Vulnerabilities catalog since ${v.kev.dateAdded}; due ${v.kev.dueDate}`}">KEV</span>`
    : html``;
}

/** EPSS as a percentage; 10% and over (the P2 threshold) stands out. */
export function epssMark(v: Pick<Vulnerability, 'epss'>): Html {
  if (!v.epss) return html`<span class="muted">&ndash;</span>`;
  const percent = v.epss.score * 100;
  const text = `${percent.toFixed(percent < 1 ? 2 : 1)}%`;
  return html`<span class="epss${v.epss.score >= 0.1 ? ' high' : ''}" title="${`EPSS ${v.epss.date}: percentile ${(v.epss.percentile * 100).toFixed(1)}`}">${text}</span>`;
}

export function shortDigest(digest: string | undefined): string {
  return digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '';
}

function numberCell(n: number, attrs: string): Html {
  return html`<td class="num${n === 0 ? ' zero' : ''}" data-value="${n}" data-count="${attrs}">${n}</td>`;
}

export function severityCells(counts: Record<Severity, number>): Html[] {
  return SEVERITIES.map((s) => numberCell(counts[s] ?? 0, s));
}

export function priorityCells(counts: Record<Priority, number>): Html[] {
  return PRIORITIES.map((p) => numberCell(counts[p] ?? 0, p));
}

export const severityHeads = (): Html[] =>
  SEVERITIES.map((s) => html`<th class="num" data-sortable>${s === 'UNKNOWN' ? 'Unrated' : s[0] + s.slice(1).toLowerCase()}</th>`);
export const priorityHeads = (): Html[] => PRIORITIES.map((p) => html`<th class="num" data-sortable>${p}</th>`);

/** One card per severity, then one per priority, then KEV: the counts at the head of a findings view. */
export function countCards(bySeverity: Record<Severity, number>, byPriority: Record<Priority, number>, knownExploited: number): Html {
  const card = (label: string, n: number, key: string, cls = ''): Html =>
    html`<div class="card ${cls}" data-card="${key}"><div class="label">${label}</div><div class="count">${n}</div></div>`;
  return html`<div class="cards" id="severity-cards">${SEVERITIES.map((s) => card(s === 'UNKNOWN' ? 'Unrated' : s, bySeverity[s] ?? 0, s, `sev-${s}`))}</div>
<div class="cards" id="priority-cards">${PRIORITIES.map((p) => card(p, byPriority[p] ?? 0, p))}${card('KEV', knownExploited, 'KEV')}</div>`;
}

/** The OS release as the scan names it (`Debian GNU/Linux 12 (bookworm)`), or its family and version. */
export function osLabel(os: { family: string; version: string; name?: string } | undefined): string | undefined {
  return os ? (os.name ?? `${os.family} ${os.version}`) : undefined;
}
