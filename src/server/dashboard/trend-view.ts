// The trend after each database update: one row per rematch with what it changed and the project's
// counts once it finished, and a bar per rematch (stacked by severity) drawn inline as SVG.
import { html, type Html } from '../../report/html/escape.js';
import { priorityCells, priorityHeads, severityCells, severityHeads } from '../../report/html/views/parts.js';
import { SEVERITIES } from '../../model/severity.js';
import type { TrendPoint } from '../store.js';

const BAR = 28;
/** Unrated findings (no source rates them) would dwarf the rest: the bars stack the rated ones, the table has all. */
const RATED = SEVERITIES.filter((s) => s !== 'UNKNOWN');
const GAP = 6;
const HEIGHT = 120;

function chart(points: readonly TrendPoint[]): Html {
  const total = (p: TrendPoint): number => RATED.reduce((n, s) => n + p.vulnerabilities[s], 0);
  const top = Math.max(1, ...points.map(total));
  const bars = points.map((p, i) => {
    let y = HEIGHT;
    const x = i * (BAR + GAP);
    return RATED.map((s) => {
      const h = (p.vulnerabilities[s] / top) * HEIGHT;
      y -= h;
      return h > 0
        ? html`<rect class="s-${s}" x="${x}" y="${y.toFixed(1)}" width="${BAR}" height="${h.toFixed(1)}"><title>${`${p.at.slice(0, 16)}: ${p.vulnerabilities[s]} ${s}`}</title></rect>`
        : '';
    });
  });
  const width = Math.max(1, points.length * (BAR + GAP));
  return html`<svg class="trend-chart" role="img" aria-label="rated vulnerabilities after each rematch, by severity" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}">${bars}</svg>`;
}

export function trendView(points: readonly TrendPoint[]): Html {
  if (points.length === 0) {
    return html`<section id="trend"><h2>Trend after each database update</h2><p class="note">No rematch yet: a point is recorded each time the server matches every stored image again (after each database update, every --db-update-interval, or POST /api/v1/admin/rematch).</p></section>`;
  }
  const newestFirst = [...points].reverse();
  return html`<section id="trend">
<h2>Trend after each database update <span class="muted" id="trend-count">${points.length}</span></h2>
<p class="note">One point per rematch: what appeared and what was resolved in this project's images, and the counts over all of them once it finished. Images submitted between rematches count from the next one. The bars stack the rated findings (critical to low) of each rematch, oldest left.</p>
${chart(points)}
<table id="trend-table">
<thead><tr><th>Rematch (UTC)</th><th>Database built</th><th class="num">Images</th><th class="num">Appeared</th><th class="num">Resolved</th>${severityHeads()}${priorityHeads()}<th class="num">KEV</th></tr></thead>
<tbody>${newestFirst.map(
    (p) => html`<tr data-at="${p.at}">
<td class="mono">${p.at.slice(0, 19).replace('T', ' ')}</td>
<td class="mono">${p.dbBuiltAt.slice(0, 19).replace('T', ' ')}</td>
<td class="num" data-count="images">${p.images}</td>
<td class="num" data-count="appeared">${p.appeared > 0 ? `+${p.appeared}` : '0'}</td>
<td class="num" data-count="resolved">${p.resolved > 0 ? `−${p.resolved}` : '0'}</td>
${severityCells(p.vulnerabilities)}
${priorityCells(p.vulnerabilitiesByPriority)}
<td class="num" data-count="KEV">${p.knownExploited}</td>
</tr>`,
  )}</tbody>
</table>
</section>`;
}
