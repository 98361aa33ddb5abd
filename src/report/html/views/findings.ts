// An image's vulnerabilities: counts by severity and priority, then one row per finding, most
// urgent first, with KEV and EPSS marked, filterable and sortable in the page.
import { byPriority, countByPriority, PRIORITIES } from '../../../match/priority.js';
import { countBySeverity, SEVERITIES, severityRank } from '../../../model/severity.js';
import { html, type Html } from '../escape.js';
import type { FindingRow } from './model.js';
import { countCards, epssMark, kevMark, priorityMark, severityMark } from './parts.js';

function row(v: FindingRow): Html {
  const search = [v.id, ...v.aliases, v.packageName, v.installedVersion, v.fixedVersion ?? '', v.title ?? ''].join(' ').toLowerCase();
  return html`<tr data-severity="${v.severity}" data-priority="${v.priority}" data-kev="${v.kev ? '1' : '0'}" data-search="${search}" data-id="${v.id}">
<td data-value="${PRIORITIES.indexOf(v.priority)}" title="${v.priorityReason}">${priorityMark(v.priority)}</td>
<td data-value="${-severityRank(v.severity)}" title="${v.severityReason}">${severityMark(v.severity)}</td>
<td><span class="mono">${v.id}</span> ${kevMark(v)}${v.title ? html`<div class="muted">${v.title.length > 140 ? `${v.title.slice(0, 140)}…` : v.title}</div>` : ''}</td>
<td data-value="${v.epss?.score ?? -1}">${epssMark(v)}</td>
<td>${v.packageName} <span class="muted">${v.packageType}</span></td>
<td class="mono">${v.installedVersion}</td>
<td class="mono">${v.fixedVersion ?? html`<span class="muted">${v.status === 'wont-fix' ? "won't fix" : 'no fix'}</span>`}</td>
${v.origin !== undefined ? html`<td>${v.origin}</td>` : ''}
</tr>`;
}

/** `origins`: whether the scan split layers into base and own (the report with hardening does; the server does not). */
export function findingsView(vulnerabilities: readonly FindingRow[]): Html {
  const rows = [...vulnerabilities].sort(byPriority);
  const origins = rows.some((v) => v.origin !== undefined);
  const kev = rows.filter((v) => v.kev).length;
  const options = (name: string, values: readonly string[]): Html =>
    html`<select name="${name}" aria-label="${name}"><option value="">any ${name}</option>${values.map((v) => html`<option>${v}</option>`)}</select>`;
  return html`<section id="findings">
<h2>Vulnerabilities <span class="muted" id="finding-count">${rows.length}</span></h2>
${countCards(countBySeverity(rows), countByPriority(rows), kev)}
<p class="note">Priority: P1 is in CISA's Known Exploited Vulnerabilities catalog (KEV); P2 has an EPSS probability of exploitation of 10% or more, or is critical; P3 has EPSS 1% or more, or is high; P4 the rest. A finding the distribution will not fix drops one level (KEV excepted).</p>
${
  rows.length === 0
    ? html`<p class="note">No known vulnerability in the inventoried packages (see what was checked in the coverage).</p>`
    : html`<div class="controls" data-controls="findings-table">
<input type="search" placeholder="filter: id, package, version" aria-label="filter">
${options('severity', SEVERITIES)}${options('priority', PRIORITIES)}
<label><input type="checkbox" name="kev"> KEV only</label>
<span class="muted">showing <span data-shown>${rows.length}</span> of ${rows.length}</span>
</div>
<table id="findings-table" data-filterable>
<thead><tr><th data-sortable>Priority</th><th data-sortable>Severity</th><th data-sortable>Vulnerability</th><th data-sortable>EPSS</th><th data-sortable>Package</th><th>Installed</th><th>Fixed in</th>${origins ? html`<th data-sortable>Layer</th>` : ''}</tr></thead>
<tbody>${rows.map(row)}</tbody>
</table>`
}
</section>`;
}
