// What the dashboard tests share: Debian's Chromium driven by playwright-core (a test that finds no
// Chromium fails, naming the package), screenshots kept where the test run's TMPDIR is not, and a
// vulnerability database built from the real mirror plus a private feed of HAND-WRITTEN records
// (invented CVE-2099-… ids, clearly not real advisories) with a hand-written KEV catalog and EPSS
// file, so the testbed images carry a KEV finding, an EPSS score and a fixable base-layer finding.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { OsvRecord } from '../../../src/vulndb/index.js';
import { handWrittenKev, makeFixture, type Fixture } from '../helpers.js';
import { MIRROR } from '../../vulndb/mirror-truth.js';

export const CHROMIUM = process.env.PLIMSOLL_CHROMIUM ?? '/usr/bin/chromium';

/** Outlives the test run's TMPDIR (scripts/run-tests.mjs removes it), so CI can keep the screenshots. */
export const ARTIFACTS = resolve(process.env.PLIMSOLL_ARTIFACTS ?? '/tmp/plimsoll-artifacts', 'dashboard');

const LAUNCH_TIMEOUT_MS = 60_000;

export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: the dashboard tests need it (apt-get install -y --no-install-recommends chromium, as .ci/run does; or set PLIMSOLL_CHROMIUM)`,
    );
  }
  // Chromium's sandbox refuses to run as root; a container's small /dev/shm can crash its renderer.
  const args = [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage'];
  return chromium.launch({ executablePath, args, timeout: LAUNCH_TIMEOUT_MS });
}

/** What a page did besides showing itself: requests to other origins, console errors (CSP refusals among them), uncaught errors. */
export function watch(page: Page, allowedOrigin: string): { foreign: string[]; errors: string[] } {
  const seen = { foreign: [] as string[], errors: [] as string[] };
  page.on('request', (r) => {
    if (!r.url().startsWith(allowedOrigin)) seen.foreign.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') seen.errors.push(m.text());
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  return seen;
}

/** The whole page, or with `fullPage: false` what a 1280×900 window shows (the README's picture). */
export async function screenshot(t: TestContext, page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  t.diagnostic(`screenshot: ${path}`);
  return path;
}

const MARKER = 'HAND-WRITTEN TEST RECORD for the Plimsoll dashboard tests; not a real advisory';
const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N';

/** A Debian 12 advisory on the source package `name`, fixed in `fixed`. */
function debianRecord(id: string, name: string, fixed: string, vector: string): OsvRecord {
  return {
    id,
    modified: '2099-01-01T00:00:00Z',
    summary: `${MARKER}: ${name} before ${fixed}`,
    severity: [{ type: 'CVSS_V3', score: vector }],
    affected: [{ package: { ecosystem: 'Debian:12', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  } as OsvRecord;
}

/** debian-app: bash and apt come with its Debian 12 base layer, fzf with its own apt-get layer. */
export const RECORDS = {
  /** KEV-listed in the hand-written catalog, EPSS 0.42 in the hand-written file. */
  kevBash: debianRecord('CVE-2099-1001', 'bash', '5.2.15-3', CRITICAL),
  apt: debianRecord('CVE-2099-1002', 'apt', '2.6.2', HIGH),
  ownFzf: debianRecord('CVE-2099-1003', 'fzf', '0.38.0-2', HIGH),
  /** Added by a database update in the trend test. */
  laterAdduser: debianRecord('CVE-2099-1004', 'adduser', '3.135', CRITICAL),
};

const KEV = handWrittenKev('CVE-2099-1001', 'bash', MARKER);

const EPSS = '#model_version:v2025.03.14,score_date:2099-01-01T00:00:00Z\ncve,epss,percentile\nCVE-2099-1001,0.420000000,0.970000000\n';

/** The real mirror with the hand-written KEV catalog and EPSS file in place of its own, and the private feed. */
export function makeScanFixture(records: OsvRecord[]): Promise<Fixture> {
  return makeFixture(records, (mirror) => {
    mkdirSync(join(mirror, 'kev'));
    mkdirSync(join(mirror, 'epss'));
    for (const entry of readdirSync(MIRROR)) if (entry !== 'kev') symlinkSync(join(MIRROR, entry), join(mirror, entry));
    writeFileSync(join(mirror, 'kev', 'known_exploited_vulnerabilities.json'), JSON.stringify(KEV));
    writeFileSync(join(mirror, 'epss', 'epss_scores-current.csv.gz'), gzipSync(EPSS));
  });
}
