// Matching on real data: the frozen vulnerability mirror (../shared/vulndata) built into a
// database, and the testbed images' inventories. Findings are checked against the raw mirror
// records (read here independently of the database) and a handful by hand against the advisories.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openImage } from '../../src/image/open.js';
import { inventoryImage } from '../../src/inventory/run.js';
import { cvss4Score, matchVulnerabilities, type MatchResult, type Vulnerability } from '../../src/match/index.js';
import type { Package } from '../../src/model/package.js';
import { versions } from '../../src/versions/index.js';
import { openDatabase, runDbUpdate, type VulnDatabase } from '../../src/vulndb/index.js';
import { handMadePackage } from '../helpers/hand-made-package.js';
import { SHARED, TESTBED, needTestbed } from '../helpers/testbed.js';

const MIRROR = join(SHARED, 'vulndata');

/** A hand-made inventory entry (for releases the testbed has no image of). */
function pkg(type: Package['type'], name: string, version: string, source?: { name: string; version: string }): Package {
  return handMadePackage(type, name, version, source ? { source } : {});
}

async function scan(image: string, db: VulnDatabase): Promise<{ packages: Package[]; result: MatchResult }> {
  const inventory = await inventoryImage(await openImage(`oci:${join(TESTBED, 'oci', image)}`));
  return { packages: inventory.packages, result: matchVulnerabilities(inventory, db) };
}

function find(result: MatchResult, name: string, id: string): Vulnerability | undefined {
  return result.vulnerabilities.find((v) => v.packageName === name && (v.id === id || v.aliases.includes(id)));
}

/**
 * What the raw secdb files imply, read without the database: for each package, every CVE whose
 * fix version is above the installed version (apk order); fix `0` means not affected.
 */
function secdbExpectation(release: string, packages: Package[]): Set<string> {
  const expected = new Set<string>();
  for (const repo of ['main', 'community']) {
    const doc = JSON.parse(readFileSync(join(MIRROR, 'alpine-secdb', release, `${repo}.json`), 'utf8')) as {
      packages: { pkg: { name: string; secfixes?: Record<string, string[] | null> } }[] | null;
    };
    for (const { pkg: entry } of doc.packages ?? []) {
      for (const p of packages.filter((x) => (x.source?.name ?? x.name) === entry.name)) {
        for (const [fixed, ids] of Object.entries(entry.secfixes ?? {})) {
          if (fixed === '0' || versions.apk.compare(p.version, fixed) >= 0) continue;
          for (const id of ids ?? []) expected.add(`${p.id} ${id.split(/\s+/)[0]}`);
        }
      }
    }
  }
  return expected;
}

describe('matching against the vulnerability mirror', { skip: needTestbed() }, () => {
  let dir: string;
  let db: VulnDatabase;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plimsoll-match-'));
    await runDbUpdate({ dbDir: dir, mirror: MIRROR, quiet: true });
    db = openDatabase(dir);
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("alpine-3.10: every finding, and only those, that Alpine 3.10's secdb implies for the inventoried apk packages", async () => {
    const { packages, result } = await scan('alpine-3.10', db);
    assert.ok(packages.length >= 14);
    const got = new Set(result.vulnerabilities.flatMap((v) => [v.id, ...v.aliases].filter((id) => id.startsWith('CVE-')).map((id) => `${v.packageId} ${id}`)));
    assert.deepEqual([...got].sort(), [...secdbExpectation('v3.10', packages)].sort());
    assert.deepEqual(
      result.coverage.entries.map((e) => [e.ecosystem, e.checked, e.reason]),
      [['Alpine:v3.10', true, undefined]],
    );
  });

  it('Alpine 3.7 (hand-made inventory: musl 1.1.18-r3): CVE-2019-14697 from the secdb, fixed in 1.1.18-r4, and nothing the secdb does not imply', () => {
    const packages = [
      pkg('apk', 'musl', '1.1.18-r3', { name: 'musl', version: '1.1.18-r3' }),
      pkg('apk', 'musl-utils', '1.1.18-r3', { name: 'musl', version: '1.1.18-r3' }),
    ];
    const result = matchVulnerabilities({ os: { family: 'alpine', version: '3.7.3' }, packages }, db);
    const musl = find(result, 'musl', 'CVE-2019-14697');
    assert.equal(musl?.fixedVersion, '1.1.18-r4');
    assert.equal(musl?.status, 'fixed');
    assert.equal(musl?.dataSource, 'alpine-secdb/v3.7/main');
    assert.ok(find(result, 'musl-utils', 'CVE-2019-14697'), 'a binary package is matched through its origin');
    const got = new Set(result.vulnerabilities.map((v) => `${v.packageId} ${v.id}`));
    assert.deepEqual([...got].sort(), [...secdbExpectation('v3.7', packages)].sort());
  });

  it('Debian bullseye (hand-made inventory): DSA-5380-1 fixes CVE-2023-1393 in xorg-server 2:1.20.11-1+deb11u6, matched through the source package', () => {
    const source = { name: 'xorg-server', version: '2:1.20.11-1+deb11u5' };
    const packages = [
      pkg('deb', 'xserver-xorg-core', '2:1.20.11-1+deb11u5', source),
      pkg('deb', 'xserver-common', '2:1.20.11-1+deb11u6', { name: 'xorg-server', version: '2:1.20.11-1+deb11u6' }),
    ];
    const result = matchVulnerabilities({ os: { family: 'debian', version: '11.6' }, packages }, db);
    const v = find(result, 'xserver-xorg-core', 'CVE-2023-1393');
    assert.equal(v?.id, 'CVE-2023-1393');
    assert.ok(v?.aliases.includes('DSA-5380-1'));
    assert.equal(v?.fixedVersion, '2:1.20.11-1+deb11u6');
    assert.equal(find(result, 'xserver-common', 'CVE-2023-1393'), undefined, 'the fixed version is not affected');
  });

  it('a DSA bundling several CVEs gives one finding per CVE (DSA-5299-1, openexr)', () => {
    const packages = [pkg('deb', 'libopenexr25', '2.5.4-2', { name: 'openexr', version: '2.5.4-2' })];
    const result = matchVulnerabilities({ os: { family: 'debian', version: '11' }, packages }, db);
    const ids = result.vulnerabilities
      .filter((v) => v.aliases.includes('DSA-5299-1'))
      .map((v) => v.id)
      .sort();
    assert.deepEqual(ids, ['CVE-2021-23215', 'CVE-2021-26260', 'CVE-2021-3598', 'CVE-2021-3605', 'CVE-2021-3933', 'CVE-2021-3941', 'CVE-2021-45942'].sort());
  });

  it('debian-app: the GHSA advisories of lodash 4.17.15, minimist 1.2.0 and express 4.16.0 (checked by hand against the records)', async () => {
    const { result } = await scan('debian-app', db);
    const lodash = find(result, 'lodash', 'GHSA-p6mc-m468-83gw');
    // GHSA-p6mc-m468-83gw in the mirror: npm lodash, introduced 0, fixed 4.17.20; CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H (7.4).
    assert.equal(lodash?.id, 'CVE-2020-8203');
    assert.equal(lodash?.fixedVersion, '4.17.20');
    assert.equal(lodash?.severity, 'HIGH');
    assert.deepEqual(
      lodash?.cvss.map((c) => c.score),
      [7.4],
    );
    // GHSA-xvch-5gv4-984h: minimist < 1.2.6, CVSS 3.1 9.8.
    const minimist = find(result, 'minimist', 'GHSA-xvch-5gv4-984h');
    assert.equal(minimist?.id, 'CVE-2021-44906');
    assert.equal(minimist?.fixedVersion, '1.2.6');
    assert.equal(minimist?.severity, 'CRITICAL');
    assert.equal(find(result, 'express', 'GHSA-rv95-896h-c2vc')?.fixedVersion, '4.19.2');
    // The record's CVSS v4.0 vector was scored when the database was built, as the calculator scores it.
    const v4 = find(result, 'express', 'CVE-2024-43796')?.cvss.find((c) => c.version === '4.0');
    assert.equal(v4?.score, 2.3);
    assert.equal(db.storedCvss4Score(v4?.vector ?? ''), cvss4Score(v4?.vector ?? ''));
  });

  it('debian-app and scratch-go: Go standard-library advisories for go1.19.8 and golang.org/x/net v0.7.0 advisories', async () => {
    const app = await scan('debian-app', db);
    // GO-2023-1751 (CVE-2023-24539, html/template): stdlib fixed 1.19.9 and 1.20.4.
    const std = find(app.result, 'stdlib', 'GO-2023-1751');
    assert.equal(std?.id, 'CVE-2023-24539');
    assert.equal(std?.fixedVersion, 'v1.19.9');
    assert.equal(std?.path, 'app/bin/healthcheck');
    // GO-2023-1988 (CVE-2023-3978, GHSA-2wrh-6pvc-2jm9): golang.org/x/net before 0.13.0.
    const net = find(app.result, 'golang.org/x/net', 'GO-2023-1988');
    assert.equal(net?.id, 'CVE-2023-3978');
    assert.deepEqual(net?.aliases, ['GHSA-2wrh-6pvc-2jm9', 'GO-2023-1988']);
    assert.equal(net?.fixedVersion, 'v0.13.0');
    // /usr/bin/fzf is installed by a Debian package: judged by Debian's data, not Go's.
    assert.ok(!app.result.vulnerabilities.some((v) => v.path === 'usr/bin/fzf'));
    const scratch = await scan('scratch-go', db);
    assert.ok(find(scratch.result, 'stdlib', 'GO-2023-1751'));
  });

  it("a Go binary installed by an OS package is left to the distribution's data and listed as such", () => {
    // As the inventory records it: the stdlib identity of /usr/bin/fzf sits on the fzf deb.
    const fzf = { ...pkg('deb', 'fzf', '0.38.0-1+b1'), source: { name: 'fzf', version: '0.38.0-1' }, metadata: { languagePurl: 'pkg:golang/stdlib@v1.19.8' } };
    const result = matchVulnerabilities({ os: { family: 'debian', version: '12' }, packages: [fzf] }, db);
    assert.deepEqual(
      result.vulnerabilities.filter((v) => [v.id, ...v.aliases].some((id) => id.startsWith('GO-'))),
      [],
    );
    assert.deepEqual(
      result.coverage.entries.filter((e) => e.target.startsWith('language')).map((e) => [e.target, e.packages, e.checked]),
      [['language packages installed by OS packages', 1, false]],
    );
  });

  it('says plainly what it could not check: sparse release data, no OS, an OS without a feed', async () => {
    const bookworm = await scan('debian-bookworm', db);
    const entry = bookworm.result.coverage.entries[0];
    assert.equal(entry?.ecosystem, 'Debian:12');
    assert.match(entry?.reason ?? '', /only \d+ advisories for Debian:12/);
    const rhel = matchVulnerabilities({ os: { family: 'fedora', version: '40' }, packages: [pkg('rpm', 'bash', '5.2.26-3.fc40')] }, db);
    assert.deepEqual(
      rhel.coverage.entries.map((e) => [e.checked, e.reason]),
      [[false, 'the vulnerability database has no advisory feed for fedora']],
    );
    const noOs = matchVulnerabilities({ packages: [pkg('apk', 'musl', '1.1.18-r3')] }, db);
    assert.equal(noOs.coverage.entries[0]?.checked, false);
    const noData = matchVulnerabilities({ os: { family: 'alpine', version: '3.2.0' }, packages: [pkg('apk', 'musl', '1.1.5-r0')] }, db);
    assert.match(noData.coverage.entries[0]?.reason ?? '', /no advisories for Alpine:v3\.2/);
  });
});
