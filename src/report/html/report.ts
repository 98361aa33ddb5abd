// `plimsoll image --format html`: the JSON report as one self-contained page, built from the same
// views the server's dashboard shows. Everything is inline (style, script, data); a
// Content-Security-Policy meta tag forbids any request, so the file works offline and leaks nothing.
import type { Report } from '../report.js';
import { countBySeverity } from '../../model/severity.js';
import { warningText } from '../../model/warning.js';
import { countByPriority } from '../../match/priority.js';
import { baseUpgrade, isOsPackage } from './base-upgrade.js';
import { TABLE_SCRIPT } from './behaviour.js';
import { html, type Html } from './escape.js';
import { renderPage } from './page.js';
import { baseImagesView, type BaseImageGroup } from './views/base-images.js';
import { findingsView } from './views/findings.js';
import { hardeningView } from './views/hardening.js';
import { imagesView } from './views/images.js';
import type { FindingRow, ImageRow } from './views/model.js';
import { osLabel } from './views/parts.js';

const SCRIPT = `${TABLE_SCRIPT}\nplimsollTables(document);\n`;

function imageRow(report: Report): ImageRow {
  const { artifact, summary } = report;
  const os = osLabel(artifact.os);
  return {
    ref: artifact.ref,
    ...(artifact.digest ? { digest: artifact.digest } : {}),
    ...(os ? { os } : {}),
    packages: summary.packages,
    bySeverity: summary.vulnerabilities ?? countBySeverity([]),
    byPriority: summary.vulnerabilitiesByPriority ?? countByPriority([]),
    knownExploited: summary.knownExploited ?? 0,
  };
}

const LAYER_METHOD = {
  history: "told apart by the image history (the base's history ends with its CMD or ENTRYPOINT)",
  'whole-image': 'the whole image is the base: nothing follows the base’s CMD in the history',
  scratch: 'built FROM scratch: no base layers',
} as const;

/** With the hardening pass, the base is its layers; without, the OS release and its packages stand for it. */
function baseGroup(report: Report, vulnerabilities: readonly FindingRow[]): { group: BaseImageGroup; method: string } {
  const { artifact } = report;
  const base = artifact.baseImage;
  const images = [{ ref: artifact.ref }];
  const eol = artifact.os?.eol ? { endOfLife: artifact.os.eolDate ? { since: artifact.os.eolDate } : {} } : {};
  if (base) {
    const { layers } = base;
    return {
      group: {
        name: base.name,
        ...(base.reference ? { reference: base.reference } : {}),
        images,
        upgrade: baseUpgrade([{ ref: artifact.ref, vulnerabilities }], (v) => v.origin === 'base'),
        ...(artifact.recommendation ? { recommendation: artifact.recommendation } : {}),
        ...eol,
        layers: `${layers.base} base layer${layers.base === 1 ? '' : 's'} and ${layers.own} of its own, ${LAYER_METHOD[layers.method]}`,
      },
      method:
        'Fixed by upgrading: the findings in packages from the base layers whose fixed version is published; rebuilding on the current build of the same base release (or upgrading those packages) brings them. "No fix yet" counts the base findings without one. The advice is the hardening pass’s.',
    };
  }
  return {
    group: { name: osLabel(artifact.os) ?? 'no recognisable OS', images, upgrade: baseUpgrade([{ ref: artifact.ref, vulnerabilities }], isOsPackage), ...eol },
    method:
      'The hardening pass did not run (--scanners without config), so the base layers are unknown: the OS packages stand for the base. Fixed by upgrading: their findings whose fixed version is published.',
  };
}

function coverageView(report: Report): Html {
  const entries = report.coverage?.entries ?? [];
  return html`<section id="coverage">
<h2>What was checked</h2>
${entries.length > 0 ? html`<table><thead><tr><th>Packages</th><th class="num">Count</th><th>Checked</th><th>Why not, or why incomplete</th></tr></thead><tbody>${entries.map((e) => html`<tr><td>${e.target}</td><td class="num">${e.packages}</td><td>${e.checked ? 'yes' : html`<strong>no</strong>`}</td><td>${e.reason ?? ''}</td></tr>`)}</tbody></table>` : html`<p class="note">The vulnerability scanner did not run.</p>`}
${report.warnings.length > 0 ? html`<h3>Warnings</h3><ul>${report.warnings.map((w) => html`<li>${warningText(w)}</li>`)}</ul>` : ''}
${report.attributions?.length ? html`<p class="note">${report.attributions.join(' ')}</p>` : ''}
</section>`;
}

function packagesView(report: Report): Html {
  return html`<section id="packages">
<details><summary>Packages (${report.packages.length})</summary>
<table><thead><tr><th data-sortable>Name</th><th>Version</th><th data-sortable>Type</th><th>Where</th></tr></thead>
<tbody>${report.packages.map((p) => html`<tr><td>${p.name}</td><td class="mono">${p.version}</td><td>${p.type}</td><td class="mono">${p.locations[0]?.path ?? ''}</td></tr>`)}</tbody></table>
</details>
</section>`;
}

export function renderHtmlReport(report: Report): string {
  const vulnerabilities = report.vulnerabilities;
  const base = vulnerabilities ? baseGroup(report, vulnerabilities) : undefined;
  const suppressed = report.summary.suppressed ? Object.values(report.summary.suppressed.vulnerabilities).reduce((n, c) => n + c, 0) : 0;
  const body = html`${imagesView([imageRow(report)], `The scanned image.${suppressed > 0 ? ` Counts are what the policy left: ${suppressed} vulnerabilities were suppressed.` : ''}`)}
${vulnerabilities ? findingsView(vulnerabilities) : html`<section id="findings"><h2>Vulnerabilities</h2><p class="note">Not scanned: the vulnerability scanner did not run.</p></section>`}
${base ? baseImagesView([base.group], base.method) : ''}
${hardeningView(report.findings)}
${coverageView(report)}
${packagesView(report)}`;
  return renderPage({
    title: `Plimsoll: ${report.artifact.ref}`,
    header: html`<header class="top"><h1>Plimsoll report</h1><span class="mono">${report.artifact.ref}</span></header>`,
    body,
    script: SCRIPT,
    cspInMeta: true,
  });
}
