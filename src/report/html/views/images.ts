// The images view: one row per image with its counts by severity and priority, and its KEV count.
import { html, type Html } from '../escape.js';
import type { ImageRow } from './model.js';
import { priorityCells, priorityHeads, severityCells, severityHeads, shortDigest } from './parts.js';

export function imagesView(rows: readonly ImageRow[], caption: string): Html {
  if (rows.length === 0) return html`<section id="images"><h2>Images</h2><p class="note">No image has been submitted to this project yet.</p></section>`;
  const body = rows.map(
    (r) => html`<tr data-image="${r.ref}">
<td>${r.href ? html`<a href="${r.href}">${r.ref}</a>` : r.ref}<div class="muted mono">${shortDigest(r.digest)}</div></td>
<td>${r.os ?? html`<span class="muted">none</span>`}</td>
<td class="num" data-value="${r.packages}">${r.packages}</td>
${severityCells(r.bySeverity)}
${priorityCells(r.byPriority)}
<td class="num${r.knownExploited === 0 ? ' zero' : ''}" data-value="${r.knownExploited}" data-count="KEV">${r.knownExploited > 0 ? html`<span class="kev">KEV</span> ` : ''}${r.knownExploited}</td>
${r.matchedAt !== undefined ? html`<td class="mono">${r.matchedAt.slice(0, 19).replace('T', ' ')}</td>` : ''}
</tr>`,
  );
  const matched = rows.some((r) => r.matchedAt !== undefined);
  return html`<section id="images">
<h2>Images <span class="muted" id="image-count">${rows.length}</span></h2>
<p class="note">${caption}</p>
<table id="images-table">
<thead><tr><th data-sortable>Image</th><th data-sortable>OS</th><th class="num" data-sortable>Packages</th>${severityHeads()}${priorityHeads()}<th class="num" data-sortable>KEV</th>${matched ? html`<th data-sortable>Matched (UTC)</th>` : ''}</tr></thead>
<tbody>${body}</tbody>
</table>
</section>`;
}
