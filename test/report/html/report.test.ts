// `plimsoll image --format html` in a real headless Chromium: the file opens offline and asks for
// nothing beyond itself, its numbers are the JSON report's, KEV and EPSS are marked, the base-image
// view counts only base-layer findings with a fix, and the filters work. Screenshots are kept.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Report } from '../../../src/report/report.js';
import { BUILT_CLI } from '../../helpers/cli.js';
import { TESTBED } from '../../helpers/testbed.js';
import { RECORDS, launchChromium, makeScanFixture, screenshot, watch } from '../../server/dashboard/fixture.js';
import type { Fixture } from '../../server/helpers.js';

const run = promisify(execFile);

let fixture: Fixture;
let browser: Browser;
let page: Page;
let report: Report;
let seen: ReturnType<typeof watch>;
let url: string;

const text = async (selector: string): Promise<string> => (await page.locator(selector).first().textContent())?.trim() ?? '';

before(async () => {
  fixture = await makeScanFixture([RECORDS.kevBash, RECORDS.apt, RECORDS.ownFzf]);
  const ref = `oci:${join(TESTBED, 'oci', 'debian-app')}`;
  const scan = (format: string, out: string) =>
    run(process.execPath, [BUILT_CLI, 'image', ref, '--db-dir', fixture.dbDir, '--offline', '-q', '-f', format, '-o', join(fixture.work, out)], {
      timeout: 120_000,
    });
  await Promise.all([scan('json', 'report.json'), scan('html', 'report.html')]);
  report = JSON.parse(readFileSync(join(fixture.work, 'report.json'), 'utf8')) as Report;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  url = pathToFileURL(join(fixture.work, 'report.html')).href;
  seen = watch(page, url);
  await page.goto(url);
});
after(async () => {
  await browser?.close();
  fixture?.remove();
});

describe('the HTML report of debian-app in Chromium', () => {
  it('fails, naming the package, where Chromium is missing (never a silent skip)', async () => {
    await assert.rejects(
      launchChromium('/nonexistent/chromium'),
      /Chromium not found at \/nonexistent\/chromium: .*apt-get install -y --no-install-recommends chromium/,
    );
  });

  it('is one file that asks for nothing else and raises no error (its CSP refuses any request)', async (t) => {
    await screenshot(t, page, 'report-debian-app');
    await screenshot(t, page, 'report-debian-app-window', false);
    assert.deepEqual(seen.foreign, []);
    assert.deepEqual(seen.errors, []);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'/);
    assert.match(csp ?? '', /connect-src 'none'/);
  });

  it("shows the JSON report's counts: one image, by severity, by priority, KEV", async () => {
    assert.equal(await text('#image-count'), '1');
    const summary = report.summary;
    assert.ok(summary.vulnerabilities && summary.vulnerabilitiesByPriority);
    for (const [severity, n] of Object.entries(summary.vulnerabilities)) {
      assert.equal(await text(`#images-table td[data-count="${severity}"]`), String(n), `images row ${severity}`);
      assert.equal(await text(`#severity-cards [data-card="${severity}"] .count`), String(n), `card ${severity}`);
    }
    for (const [priority, n] of Object.entries(summary.vulnerabilitiesByPriority))
      assert.equal(await text(`#priority-cards [data-card="${priority}"] .count`), String(n), priority);
    assert.equal(summary.knownExploited, 1);
    assert.equal(await text('#priority-cards [data-card="KEV"] .count'), '1');
    assert.equal(await text('#finding-count'), String(report.vulnerabilities?.length));
    assert.equal(await page.locator('#findings-table tbody tr').count(), report.vulnerabilities?.length);
  });

  it('marks the KEV finding, shows its EPSS, and puts it first as P1', async () => {
    const first = page.locator('#findings-table tbody tr').first();
    assert.equal(await first.getAttribute('data-id'), 'CVE-2099-1001');
    assert.equal((await first.locator('.prio').textContent())?.trim(), 'P1');
    assert.equal((await first.locator('.kev').textContent())?.trim(), 'KEV');
    assert.equal((await first.locator('.epss').textContent())?.trim(), '42.0%');
    assert.equal(await page.locator('#findings-table tbody tr[data-id="CVE-2099-1003"] .kev').count(), 0, 'no KEV mark on a finding CISA does not list');
  });

  it('says what upgrading the base would fix: base-layer findings with a fix, not the own layers', async () => {
    const base = report.artifact.baseImage;
    assert.ok(base);
    assert.equal(await text('#base-images h3'), base.name);
    const fixable = (report.vulnerabilities ?? []).filter((v) => v.origin === 'base' && v.fixedVersion !== undefined);
    assert.deepEqual(fixable.map((v) => v.id).sort(), ['CVE-2099-1001', 'CVE-2099-1002', 'CVE-2099-1002']);
    assert.equal(await text('#base-images [data-card="fixed"] .count'), String(fixable.length));
    assert.equal(await text('#base-images [data-card="fixed-kev"] .count'), '1');
    const packages = await page.locator('#base-images tr[data-package]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-package')));
    assert.deepEqual(packages.sort(), ['apt', 'bash', 'libapt-pkg6.0']);
    assert.equal(await text('#base-images tr[data-package="bash"] td:nth-child(3)'), '5.2.15-3');
    assert.match(await text('#base-images .base'), /Advice:/);
  });

  it('filters: KEV only leaves one row; a package name leaves its findings', async (t) => {
    await page.locator('[data-controls="findings-table"] input[name=kev]').check();
    assert.equal(await page.locator('#findings-table tbody tr:not(.hidden)').count(), 1);
    assert.equal(await text('[data-controls="findings-table"] [data-shown]'), '1');
    await page.locator('[data-controls="findings-table"] input[name=kev]').uncheck();
    await page.locator('[data-controls="findings-table"] input[type=search]').fill('lodash');
    const lodash = (report.vulnerabilities ?? []).filter((v) => v.packageName === 'lodash').length;
    assert.ok(lodash > 0);
    assert.equal(await page.locator('#findings-table tbody tr:not(.hidden)').count(), lodash);
    await screenshot(t, page, 'report-debian-app-filtered');
  });
});
