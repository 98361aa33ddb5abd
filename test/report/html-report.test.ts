// The HTML report as text (its rendering is tested in Chromium, test/dashboard/): whatever an image,
// a feed or the store carries is escaped, and a report without a vulnerability scan says so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { html, escapeHtml } from '../../src/report/html/escape.js';
import { renderHtmlReport } from '../../src/report/html/report.js';
import type { Report } from '../../src/report/report.js';

const HOSTILE = `<script>alert("x")</script>'"&`;

function report(extra: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    artifact: { ref: `evil/${HOSTILE}:1`, transport: 'oci', layers: [], config: { env: [] }, history: [] },
    packages: [{ id: 'p', name: HOSTILE, version: '1', type: 'npm', purl: 'pkg:npm/x@1', locations: [{ path: HOSTILE, layer: 'sha256:0', layerIndex: 0 }] }],
    findings: [],
    warnings: [{ message: HOSTILE }],
    summary: { packages: 1, packagesByType: { npm: 1 }, findings: 0, findingsBySeverity: {} },
    ...extra,
  } as Report;
}

describe('the HTML report as text', () => {
  it('the html tag escapes every interpolated value, arrays included, and keeps nested templates', () => {
    assert.equal(escapeHtml(HOSTILE), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&quot;&amp;');
    assert.equal(
      html`<b title="${HOSTILE}">${[HOSTILE, html`<i>${1}</i>`]}${undefined}${false}</b>`.text,
      `<b title="${escapeHtml(HOSTILE)}">${escapeHtml(HOSTILE)}<i>1</i></b>`,
    );
  });

  it("carries no markup from the report's text: the only script element is the page's own", () => {
    const page = renderHtmlReport(report());
    assert.equal(page.match(/<script>/g)?.length, 1);
    assert.ok(!page.includes('alert("x")'), 'the hostile text appears escaped only');
    assert.ok(page.includes(escapeHtml(HOSTILE)));
  });

  it('without a vulnerability scan (sbom --format html) it says the scanner did not run', () => {
    assert.match(renderHtmlReport(report()), /Not scanned: the vulnerability scanner did not run/);
  });
});
