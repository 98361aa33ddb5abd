// A real Alpine 3.7 image (the official minirootfs, unmodified, as its only layer) scanned against
// the database built from the frozen mirror: musl 1.1.18-r3 gets CVE-2019-14697, which Alpine's
// secdb for v3.7 lists as fixed in 1.1.18-r4.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { scanImage } from '../../src/scan.js';
import { runDbUpdate } from '../../src/vulndb/index.js';
import { writeLayout } from '../helpers/make-image.js';
import { SHARED } from '../helpers/testbed.js';

const MINIROOTFS = join(SHARED, 'testbed', 'alpine-more', 'alpine-minirootfs-3.7.3-x86_64.tar.gz');

describe('Alpine 3.7 from alpine-more/', { skip: existsSync(MINIROOTFS) ? undefined : `${MINIROOTFS} not found` }, () => {
  const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-alpine37-db-'));
  before(async () => {
    await runDbUpdate({ dbDir, mirror: join(SHARED, 'vulndata'), quiet: true });
  });

  it('musl gets CVE-2019-14697 from the secdb, fixed in 1.1.18-r4', async () => {
    const blob = readFileSync(MINIROOTFS);
    const layout = writeLayout([{ blob, tar: gunzipSync(blob) }], { tag: '3.7.3' });
    const report = await scanImage(`oci:${layout}:3.7.3`, { scanners: ['vuln'], db: { dbDir, offline: true } });
    assert.equal(report.artifact.os?.family, 'alpine');
    assert.equal(report.artifact.os?.version, '3.7.3');
    const musl = report.packages.find((p) => p.name === 'musl');
    assert.equal(musl?.version, '1.1.18-r3');
    const finding = report.vulnerabilities?.find((v) => v.id === 'CVE-2019-14697' && v.packageName === 'musl');
    assert.ok(finding, 'musl CVE-2019-14697');
    assert.equal(finding.fixedVersion, '1.1.18-r4');
    assert.equal(finding.status, 'fixed');
    assert.match(finding.dataSource, /alpine/i);
    // The secdb carries no severity: NVD's primary CVSS 3.1 does (CVE-2019-14697 is in the mirror's nvd/).
    assert.deepEqual([finding.severity, finding.severitySource], ['CRITICAL', 'nvd']);
  });

  it('3.7 predates the release table: reported end-of-life, not unknown', async () => {
    const blob = readFileSync(MINIROOTFS);
    const layout = writeLayout([{ blob, tar: gunzipSync(blob) }], { tag: '3.7.3' });
    const report = await scanImage(`oci:${layout}:3.7.3`, { scanners: ['config'] });
    assert.equal(report.artifact.os?.eol, true);
    assert.ok(report.findings.some((f) => f.id === 'PLM-EOL-OS' && f.severity === 'HIGH'));
  });
});
