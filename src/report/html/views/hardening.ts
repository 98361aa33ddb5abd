// The hardening pass's findings (configuration, secrets, files) of one scanned image. Evidence is
// only ever the masked form the report carries.
import type { ReportFinding } from '../../report.js';
import { html, type Html } from '../escape.js';
import { severityMark } from './parts.js';

export function hardeningView(findings: readonly ReportFinding[]): Html {
  return html`<section id="hardening">
<h2>Hardening findings <span class="muted">${findings.length}</span></h2>
${
  findings.length === 0
    ? html`<p class="note">None.</p>`
    : html`<table id="hardening-table">
<thead><tr><th data-sortable>Severity</th><th data-sortable>Rule</th><th>What</th><th>Where</th><th>Fix</th></tr></thead>
<tbody>${findings.map(
        (f) => html`<tr data-rule="${f.id}">
<td>${severityMark(f.severity)}</td>
<td class="mono">${f.id}</td>
<td>${f.title}${f.evidence ? html`<div class="muted mono">${f.evidence}</div>` : ''}</td>
<td class="mono">${f.path ?? ''}${f.line !== undefined ? `:${f.line}` : ''}${f.origin ? html` <span class="muted">(${f.origin} layer)</span>` : ''}</td>
<td>${f.remediation}</td>
</tr>`,
      )}</tbody>
</table>`
}
</section>`;
}
