// The dashboard of a real `plimsoll server` on loopback, in a real headless Chromium, with real
// testbed images submitted by `plimsoll image --server`: sign-in with a token kept in sessionStorage,
// the images with the counts the CLI reported, one image's findings with KEV and EPSS marked, the
// base images and what upgrading them would fix, the trend after a rematch and a database update,
// escaping of what an SBOM carries, and the views' refusals under the API's token rules.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Report } from '../../../src/report/report.js';
import type { RunningServer } from '../../../src/server/serve.js';
import type { TrendPoint } from '../../../src/server/store.js';
import { BUILT_CLI } from '../../helpers/cli.js';
import { TESTBED } from '../../helpers/testbed.js';
import { api, createToken, sampleSbom, startTestServer, waitForJob, type Fixture } from '../helpers.js';
import { RECORDS, launchChromium, makeScanFixture, screenshot, watch } from './fixture.js';

const run = promisify(execFile);
const IMAGES = ['debian-app', 'alpine-3.20', 'scratch-go'];

let fixture: Fixture;
let server: RunningServer;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watch>;
let token: string;
let admin: string;
const reports = new Map<string, Report>();

const text = async (selector: string): Promise<string> => (await page.locator(selector).first().textContent())?.trim() ?? '';

async function open(path: string): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
}

before(async () => {
  fixture = await makeScanFixture([RECORDS.kevBash, RECORDS.apt, RECORDS.ownFzf]);
  server = await startTestServer(fixture);
  token = await createToken(server, 'web', ['submit', 'read']);
  admin = await createToken(server, undefined, ['admin']);
  // Submitted as a build machine would: the CLI inventories each image and sends only its SBOM.
  for (const name of IMAGES) {
    const out = join(fixture.work, `${name}.json`);
    await run(
      process.execPath,
      [BUILT_CLI, 'image', `oci:${join(TESTBED, 'oci', name)}`, '--server', server.url, '--token', token, '-q', '-f', 'json', '-o', out],
      { timeout: 120_000 },
    );
    reports.set(name, JSON.parse(readFileSync(out, 'utf8')) as Report);
  }
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  seen = watch(page, server.url);
});
after(async () => {
  await browser?.close();
  await server?.close();
  fixture?.remove();
});

describe('the dashboard served by plimsoll server, in Chromium', () => {
  it('refuses the views as the API does: no token 401, wrong scope 403, another project 404', async () => {
    const submitOnly = await createToken(server, 'web', ['submit']);
    const other = await createToken(server, 'ops', ['read']);
    const imageId = ((await api(server, 'GET', '/api/v1/projects/web/images', token)).body.images as { id: string }[])[0]?.id;
    for (const view of ['images', `images/${imageId}`, 'base-images', 'trend']) {
      const path = `/ui/views/projects/web/${view}`;
      assert.equal((await api(server, 'GET', path)).status, 401, view);
      assert.equal((await api(server, 'GET', path, submitOnly)).status, 403, view);
      assert.equal((await api(server, 'GET', path, other)).status, 404, view);
    }
    const shell = await fetch(`${server.url}/ui/`);
    assert.equal(shell.status, 200);
    assert.match(shell.headers.get('content-security-policy') ?? '', /default-src 'none'.*connect-src 'self'.*frame-ancestors 'none'/);
    assert.doesNotMatch(await shell.text(), /debian-app/, 'the page itself carries no data');
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    assert.deepEqual([root.status, root.headers.get('location')], [302, '/ui/']);
  });

  it('signs in with a token it keeps in sessionStorage only, and lists the images with the counts the CLI reported', async (t) => {
    await page.goto(`${server.url}/ui/`);
    await page.waitForSelector('body[data-state="login"]');
    await page.fill('#login input[name=token]', 'plm_0000000000000000_not-a-token-at-all-not-a-token-at-all-xxxxx');
    await page.click('#login button[type=submit]');
    // A selector, not waitForFunction: under the page's CSP, Playwright's string predicate may be refused
    // when polled again (EvalError: 'unsafe-eval'), which a loaded machine's slower answer made happen.
    await page.waitForSelector('#login-error:not(:empty)');
    assert.match(await text('#login-error'), /valid API token is required/);
    // The refused whoami is the one error the console shows.
    const refused = seen.errors.splice(0);
    assert.equal(refused.length, 1);
    assert.match(refused[0] ?? '', /401/);
    await page.fill('#login input[name=token]', token);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('body[data-state="ready"]');
    assert.equal(await page.evaluate('sessionStorage.getItem("plimsoll.token")'), token);
    assert.equal(await page.evaluate('localStorage.length'), 0);
    assert.deepEqual(await page.context().cookies(), []);
    assert.equal(await text('#image-count'), String(IMAGES.length));
    for (const [name, report] of reports) {
      const row = `#images-table tr[data-image="${report.artifact.ref}"]`;
      for (const [severity, n] of Object.entries(report.summary.vulnerabilities ?? {}))
        assert.equal(await text(`${row} td[data-count="${severity}"]`), String(n), `${name} ${severity}`);
      for (const [priority, n] of Object.entries(report.summary.vulnerabilitiesByPriority ?? {}))
        assert.equal(await text(`${row} td[data-count="${priority}"]`), String(n), `${name} ${priority}`);
      assert.match(await text(`${row} td[data-count="KEV"]`), new RegExp(`${report.summary.knownExploited}$`));
    }
    assert.equal(reports.get('debian-app')?.summary.knownExploited, 1);
    await screenshot(t, page, 'dashboard-images');
  });

  it("shows an image's findings with the KEV one marked and its EPSS, and what upgrading its base would fix", async (t) => {
    const report = reports.get('debian-app') as Report;
    await page.click(`#images-table tr[data-image="${report.artifact.ref}"] a`);
    await page.waitForURL(/\/ui\/images\/[0-9a-f-]{36}$/);
    await page.waitForSelector('body[data-state="ready"]');
    assert.equal(await page.locator('#findings-table tbody tr').count(), report.vulnerabilities?.length);
    const kev = page.locator('#findings-table tr[data-id="CVE-2099-1001"]');
    assert.equal((await kev.locator('.kev').textContent())?.trim(), 'KEV');
    assert.equal((await kev.locator('.epss').textContent())?.trim(), '42.0%');
    assert.equal((await kev.locator('.prio').textContent())?.trim(), 'P1');
    // The server has no layer split: the OS packages stand for the base, fzf from the image's own layer included.
    const osFixable = (report.vulnerabilities ?? []).filter((v) => ['deb', 'apk', 'rpm'].includes(v.packageType) && v.fixedVersion !== undefined);
    assert.deepEqual([...new Set(osFixable.map((v) => v.packageName))].sort(), ['apt', 'bash', 'fzf', 'libapt-pkg6.0']);
    assert.equal(await text('#base-images [data-card="fixed"] .count'), String(osFixable.length));
    assert.equal(await text('#base-images [data-card="fixed-kev"] .count'), '1');
    assert.match(await text('#base-images p.note'), /OS release stands for the base/);
    await screenshot(t, page, 'dashboard-image');
  });

  it('groups the images by base (OS release) with what upgrading each would fix', async (t) => {
    await open('/ui/base-images');
    const bases = await page.locator('#base-images .base').evaluateAll((els) => els.map((e) => e.getAttribute('data-base')));
    assert.equal(bases.length, 3, bases.join(' | '));
    assert.match(bases[0] ?? '', /Debian/, 'the base with most to fix first');
    assert.ok(bases.some((b) => /Alpine/.test(b ?? '')));
    assert.ok(bases.some((b) => /no recognisable OS/.test(b ?? '')));
    await screenshot(t, page, 'dashboard-base-images');
  });

  it('shows the trend: a row per rematch, and +1 after a database update adds a record', async (t) => {
    await open('/ui/trend');
    assert.match(await text('#trend'), /No rematch yet/);
    const rematch = await api(server, 'POST', '/api/v1/admin/rematch', admin);
    assert.equal((await waitForJob(server, admin, (rematch.body.job as { id: string }).id)).state, 'succeeded');
    fixture.writeFeed(Object.values(RECORDS));
    const update = await server.ctx.jobs.enqueue('db-update', {});
    assert.equal((await waitForJob(server, admin, update.id)).state, 'succeeded');
    const trend = (await api(server, 'GET', '/api/v1/projects/web/trend', token)).body.trend as TrendPoint[];
    assert.equal(trend.length, 2);
    await open('/ui/trend');
    assert.equal(await text('#trend-count'), '2');
    const rows = page.locator('#trend-table tbody tr');
    assert.equal(await rows.count(), 2);
    const [older, newer] = trend as [TrendPoint, TrendPoint];
    assert.deepEqual([older.appeared, newer.appeared, newer.resolved], [0, 1, 0]);
    assert.equal(newer.vulnerabilities.CRITICAL, older.vulnerabilities.CRITICAL + 1, 'adduser CVE-2099-1004 is CRITICAL');
    // Newest first in the table.
    assert.equal(await rows.nth(0).getAttribute('data-at'), newer.at);
    assert.equal(await text('#trend-table tbody tr:nth-child(1) td[data-count="appeared"]'), '+1');
    assert.equal(await text('#trend-table tbody tr:nth-child(2) td[data-count="appeared"]'), '0');
    assert.equal(await text('#trend-table tbody tr:nth-child(1) td[data-count="CRITICAL"]'), String(newer.vulnerabilities.CRITICAL));
    assert.equal(await text('#trend-table tbody tr:nth-child(1) td[data-count="images"]'), String(IMAGES.length));
    const critical = reports.get('debian-app')?.summary.vulnerabilities?.CRITICAL ?? 0;
    assert.equal(older.vulnerabilities.CRITICAL, critical, 'only debian-app has CRITICAL findings before the update');
    assert.equal((await page.locator('svg.trend-chart rect').count()) > 0, true);
    await screenshot(t, page, 'dashboard-trend');
  });

  it('shows what an SBOM carries as text: a hostile image reference does not become markup', async () => {
    const hostile = `evil/<img src=x onerror="document.title='pwned'">:1`;
    assert.equal((await api(server, 'POST', '/api/v1/projects/web/images', token, sampleSbom(hostile, `sha256:${'d'.repeat(64)}`))).status, 200);
    await open('/ui/');
    assert.equal(await page.locator('#images-table img').count(), 0);
    assert.equal(await page.locator(`#images-table tr[data-image="${hostile.replace(/"/g, '\\"')}"]`).count(), 1);
    assert.notEqual(await page.title(), 'pwned');
    assert.deepEqual(seen.foreign, [], 'no request beyond the server');
    assert.deepEqual(seen.errors, []);
  });

  it('signs out: the token leaves sessionStorage and the views ask for it again', async () => {
    await page.click('#logout');
    await page.waitForSelector('body[data-state="login"]');
    assert.equal(await page.evaluate('sessionStorage.length'), 0);
    assert.equal(await page.locator('#content').innerHTML(), '');
  });
});
