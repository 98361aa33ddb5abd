// Base images and what upgrading them would fix: per base, the images on it, the packages to
// upgrade with the findings each clears (KEV marked), what stays unfixed, and the hardening advice.
import type { BaseUpgrade } from '../base-upgrade.js';
import { html, type Html } from '../escape.js';
import { severityMark } from './parts.js';

export interface BaseImageGroup {
  /** As the scan named it: `Debian 12.8 (bookworm)`, `distroless cc (Debian 12.8)`, `Alpine Linux 3.20.3`. */
  name: string;
  /** The base image reference the build labelled (org.opencontainers.image.base.name), when it did. */
  reference?: string;
  images: { ref: string; href?: string }[];
  upgrade: BaseUpgrade;
  /** The hardening pass's base-image advice (a local scan has it). */
  recommendation?: string;
  /** Set when the release is end-of-life: then only a newer release fixes what has no fix. */
  endOfLife?: { since?: string };
  /** How the base was told apart from the image's own layers. */
  layers?: string;
}

function fixTable(upgrade: BaseUpgrade, many: boolean): Html {
  if (upgrade.fixes.length === 0) {
    return html`<p class="note">${upgrade.unfixed > 0 ? 'Upgrading would fix nothing known yet: no finding in the base’s packages has a fixed version.' : 'No finding in the base’s packages.'}</p>`;
  }
  return html`<table class="fixes">
<thead><tr><th>Package</th><th>Installed</th><th>Upgrade to</th><th>Fixes</th>${many ? html`<th class="num">Images</th>` : ''}</tr></thead>
<tbody>${upgrade.fixes.map(
    (f) => html`<tr data-package="${f.packageName}">
<td>${f.packageName} <span class="muted">${f.packageType}</span></td>
<td class="mono">${f.installedVersion}</td>
<td class="mono">${f.fixedVersion}</td>
<td>${f.vulnerabilities.map((v) => html`<span class="mono">${v.id}</span> ${severityMark(v.severity)}${v.kev ? html` <span class="kev">KEV</span>` : ''}<br>`)}</td>
${many ? html`<td class="num">${f.images.length}</td>` : ''}
</tr>`,
  )}</tbody>
</table>`;
}

export function baseImagesView(groups: readonly BaseImageGroup[], method: string): Html {
  const many = groups.some((g) => g.images.length > 1);
  return html`<section id="base-images">
<h2>Base images and what upgrading them would fix</h2>
<p class="note">${method}</p>
${groups.length === 0 ? html`<p class="note">No image yet.</p>` : ''}
${groups.map(
  (g) => html`<div class="base" data-base="${g.name}">
<h3>${g.name}${g.reference ? html` <span class="muted mono">${g.reference}</span>` : ''}</h3>
<p class="note">${g.images.length} image${g.images.length === 1 ? '' : 's'}${many || g.images.some((i) => i.href) ? html`: ${g.images.map((i, n) => html`${n > 0 ? ', ' : ''}${i.href ? html`<a href="${i.href}">${i.ref}</a>` : i.ref}`)}` : ''}${g.layers ? html`; ${g.layers}` : ''}.</p>
<div class="cards">
<div class="card" data-card="fixed"><div class="label">Fixed by upgrading</div><div class="count">${g.upgrade.fixed}</div></div>
<div class="card" data-card="fixed-kev"><div class="label">of them KEV</div><div class="count">${g.upgrade.knownExploited}</div></div>
<div class="card" data-card="packages"><div class="label">Packages to upgrade</div><div class="count">${g.upgrade.fixes.length}</div></div>
<div class="card" data-card="unfixed"><div class="label">No fix yet</div><div class="count">${g.upgrade.unfixed}</div></div>
</div>
${g.endOfLife ? html`<p class="error">${g.name} is end-of-life${g.endOfLife.since ? ` since ${g.endOfLife.since}` : ''}: its packages get no more fixes; move to a supported release.</p>` : ''}
${g.recommendation ? html`<p><strong>Advice:</strong> ${g.recommendation}</p>` : ''}
${fixTable(g.upgrade, many)}
</div>`,
)}
</section>`;
}
