// Debian's own verdicts (open, ignored, resolved, urgency) from the tracker JSON. The mirror has no
// copy of the tracker export, so this uses the hand-written fixture test/fixtures/vulndb/debian-tracker-handwritten.json
// (invented packages and CVE-2099-* ids in the export's documented shape), built into a database
// through the normal update path.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { matchVulnerabilities } from '../../src/match/index.js';
import type { Package } from '../../src/model/package.js';
import { openDatabase, runDbUpdate, type VulnDatabase } from '../../src/vulndb/index.js';

function examplepkg(version: string): Package {
  return {
    id: `deb:examplepkg-bin@${version}`,
    name: 'examplepkg-bin',
    version: `${version}+b1`,
    type: 'deb',
    purl: `pkg:deb/debian/examplepkg-bin@${version}`,
    source: { name: 'examplepkg', version },
    locations: [{ path: 'var/lib/dpkg/status', layer: { digest: 'sha256:0', index: 0 } }],
  };
}

describe('Debian tracker verdicts (hand-written tracker fixture)', () => {
  let dir: string;
  let db: VulnDatabase;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plimsoll-tracker-'));
    mkdirSync(join(dir, 'mirror/debian-security-tracker/data'), { recursive: true });
    copyFileSync(join(import.meta.dirname, '../fixtures/vulndb/debian-tracker-handwritten.json'), join(dir, 'mirror/debian-security-tracker/data/json'));
    await runDbUpdate({ dbDir: join(dir, 'db'), mirror: join(dir, 'mirror'), quiet: true });
    db = openDatabase(join(dir, 'db'));
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("bookworm: resolved → fixed at the tracker's version; open with nodsa_reason ignored → wont-fix; urgency is the severity", () => {
    const result = matchVulnerabilities({ os: { family: 'debian', version: '12.1' }, packages: [examplepkg('1.0-1')] }, db);
    assert.deepEqual(
      result.vulnerabilities.map((v) => [v.id, v.status, v.fixedVersion, v.severity, v.severitySource, v.installedVersion]),
      [
        ['CVE-2099-0001', 'fixed', '1.0-1+deb12u1', 'MEDIUM', 'debian', '1.0-1+b1'],
        ['CVE-2099-0002', 'wont-fix', undefined, 'LOW', 'debian', '1.0-1+b1'],
      ],
    );
  });

  it('the fixed source version is not affected, even when the binary version differs (binNMU)', () => {
    const result = matchVulnerabilities({ os: { family: 'debian', version: '12.1' }, packages: [examplepkg('1.0-1+deb12u1')] }, db);
    assert.deepEqual(
      result.vulnerabilities.map((v) => v.id),
      ['CVE-2099-0002'],
    );
  });

  it('trixie: open → unfixed', () => {
    const result = matchVulnerabilities({ os: { family: 'debian', version: '13' }, packages: [examplepkg('1.0-2')] }, db);
    assert.deepEqual(
      result.vulnerabilities.map((v) => [v.id, v.status, v.severity]),
      [['CVE-2099-0001', 'unfixed', 'MEDIUM']],
    );
  });

  it('bullseye: resolved with fixed version 0 (never affected) gives no finding', () => {
    const other: Package = { ...examplepkg('2.0-1'), id: 'deb:otherpkg@2.0-1', name: 'otherpkg', source: { name: 'otherpkg', version: '2.0-1' } };
    const result = matchVulnerabilities({ os: { family: 'debian', version: '11.9' }, packages: [other] }, db);
    assert.deepEqual(result.vulnerabilities, []);
  });
});
