// NVD CPE matching for packages with no ecosystem identity. Configurations are evaluated on the
// real NVD records in ../shared/vulndata/nvd (read raw here, not through the database); AND,
// negate and platform cases the sample lacks are on small configurations written by hand and
// marked so. End to end: a database built from the mirror, a hand-made unresolved jar, and
// Debian's real log4j 1.2 jar read by the Java analyzer.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openImage } from '../../src/image/open.js';
import { javaArchiveAnalyzer } from '../../src/ecosystems/maven/java-archive.js';
import { inventoryImage } from '../../src/inventory/run.js';
import { cpeCandidates } from '../../src/match/cpe/candidates.js';
import { evaluateConfiguration, type CpeTarget } from '../../src/match/cpe/configuration.js';
import { matchCpe } from '../../src/match/cpe/index.js';
import { cvssScore } from '../../src/match/cvss/index.js';
import { generic } from '../../src/match/cpe/version.js';
import { matchedByCpe } from '../../src/match/ecosystems.js';
import { matchVulnerabilities, type Vulnerability } from '../../src/match/index.js';
import type { Compare } from '../../src/match/osv-range.js';
import type { Package } from '../../src/model/package.js';
import { VersionError, versions } from '../../src/versions/index.js';
import { openDatabase, runDbUpdate, type VulnDatabase } from '../../src/vulndb/index.js';
import type { CpeConfiguration, NvdRecord } from '../../src/vulndb/types.js';
import { SHARED } from '../helpers/testbed.js';

const MIRROR = join(SHARED, 'vulndata');
const LAYER = { digest: 'sha256:0000', index: 0 };
const LOG4J_1 = ['CVE-2019-17571', 'CVE-2021-4104', 'CVE-2022-23302', 'CVE-2022-23305', 'CVE-2022-23307'];
const DEBIAN_LOG4J = '/usr/share/java/log4j-1.2-1.2.17.jar';

interface RawNvd {
  id: string;
  configurations: CpeConfiguration[];
  metrics: Record<string, { source: string; type: string; cvssData: { baseSeverity?: string } }[]>;
}

/** One record of the mirror as NVD published it. */
function raw(cve: string): RawNvd {
  return JSON.parse(readFileSync(join(MIRROR, 'nvd', cve.slice(0, 8), `${cve}.json`), 'utf8')) as RawNvd;
}

/** The configurations of a raw record that apply to the target. */
function applying(cve: string, target: CpeTarget, compare: Compare = versions.maven.compare) {
  return raw(cve).configurations.flatMap((c) => evaluateConfiguration(c, target, compare) ?? []);
}

const log4j = (version: string): CpeTarget => ({ part: 'a', vendor: 'apache', product: 'log4j', version });

function pkg(type: Package['type'], name: string, version: string, metadata?: Package['metadata']): Package {
  return {
    id: `${type}:${name}@${version}`,
    name,
    version,
    type,
    purl: `pkg:generic/${name}@${version}`,
    locations: [{ path: 'hand-made', layer: LAYER }],
    ...(metadata ? { metadata } : {}),
  };
}

describe('the generic version order', () => {
  it('orders dotted numbers numerically, missing parts as 0, pre-releases before and later builds after the release', () => {
    const ascending = [
      '0.9',
      '1.0.2-dev',
      '1.0.2-alpha',
      '1.0.2a1',
      '1.0.2-beta2',
      '1.0.2-beta10',
      '1.0.2-m1',
      '1.0.2-rc1',
      '1.0.2',
      '1.0.2a',
      '1.0.2k',
      '1.0.2l',
      '1.0.2-p1',
      '1.0.2-patch2',
      '1.2',
      '1.2.17',
      '1.2.18.1',
      '1.10',
      '9.0',
      '10.0',
      '20230101',
    ];
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        assert.equal(generic.compare(ascending[i] ?? '', ascending[j] ?? ''), Math.sign(i - j), `${ascending[i]} vs ${ascending[j]}`);
      }
    }
  });

  it('treats 1.2 and 1.2.0, v1.2, 01.2, 1.2-final and 1.2.GA as the same version', () => {
    for (const same of ['1.2.0', 'v1.2', '01.2', '1.2-final', '1.2.GA', '1.2.0.0']) assert.equal(generic.compare('1.2', same), 0, same);
    assert.equal(generic.compare('99999999999999999999.1', '99999999999999999998.9'), 1, 'no number overflows');
  });

  it('rejects what is not dotted numbers with one suffix, with a VersionError', () => {
    for (const bad of ['', 'abc', '1.2.3-rc1-x', '1.2+build.5', '1..2', 'latest']) {
      assert.throws(() => generic.compare(bad, '1.0'), VersionError, JSON.stringify(bad));
    }
  });
});

describe('NVD configurations, real records', () => {
  it('log4j 1.2.17 is in CVE-2019-17571 through apache:log4j up to 1.2.17 inclusive; 1.2.18 and 2.0 are not', () => {
    const [hit] = applying('CVE-2019-17571', log4j('1.2.17'));
    assert.equal(hit?.matched[0]?.criteria, 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*');
    assert.equal(hit?.matched[0]?.versionEndIncluding, '1.2.17');
    assert.deepEqual(hit?.doubts, []);
    assert.deepEqual(applying('CVE-2019-17571', log4j('1.2.18')), []);
    assert.deepEqual(applying('CVE-2019-17571', log4j('2.0')), []);
  });

  it('start and end bounds: CVE-2022-23305 (>= 1.2, <= 1.2.17), CVE-2022-23307 (>= 1.2, < 2.0), CVE-2022-23302 (>= 1.0.1)', () => {
    assert.equal(applying('CVE-2022-23305', log4j('1.2')).length, 1);
    assert.equal(applying('CVE-2022-23305', log4j('1.1.3')).length, 0);
    assert.equal(applying('CVE-2022-23307', log4j('1.2.17')).length, 1);
    assert.equal(applying('CVE-2022-23307', log4j('2.0')).length, 0, 'versionEndExcluding');
    assert.equal(applying('CVE-2022-23302', log4j('1.0')).length, 0);
    assert.equal(applying('CVE-2022-23302', log4j('1.0.1')).length, 1, 'versionStartIncluding');
  });

  it('CVE-2021-44228: 2.14.1 in a range, 2.12.2 between two, 1.2.17 before all; 2.0-beta9 and 2.0 by their update field, 2.0-rc3 by none', () => {
    assert.equal(applying('CVE-2021-44228', log4j('2.14.1'))[0]?.matched[0]?.versionEndExcluding, '2.15.0');
    assert.deepEqual(applying('CVE-2021-44228', log4j('2.12.2')), []);
    assert.deepEqual(applying('CVE-2021-44228', log4j('1.2.17')), []);
    assert.equal(applying('CVE-2021-44228', log4j('2.0-beta9'))[0]?.matched[0]?.criteria, 'cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*');
    assert.equal(applying('CVE-2021-44228', log4j('2.0'))[0]?.matched[0]?.criteria, 'cpe:2.3:a:apache:log4j:2.0:-:*:*:*:*:*:*');
    assert.deepEqual(applying('CVE-2021-44228', log4j('2.0-rc3')), []);
  });

  it('CVE-2021-4104 names only apache:log4j:1.2: 1.2.17 belongs to that release line, with the doubt said; 1.3 and 2.0.1 do not', () => {
    assert.deepEqual(
      applying('CVE-2021-4104', log4j('1.2.17')).map((v) => v.doubts),
      [['NVD names release line 1.2, not version 1.2.17']],
    );
    assert.deepEqual(
      applying('CVE-2021-4104', log4j('1.2')).map((v) => v.doubts),
      [[]],
    );
    assert.deepEqual(applying('CVE-2021-4104', log4j('1.3')), []);
    assert.deepEqual(applying('CVE-2021-4104', log4j('2.0.1')), []);
  });

  it('CVE-2021-44228 firmware AND hardware: the firmware in range applies with the hardware (vulnerable: false) as a doubt', () => {
    const firmware = (version: string): CpeTarget => ({ part: 'o', vendor: 'siemens', product: '6bk1602-0aa12-0tp0_firmware', version });
    const [hit] = applying('CVE-2021-44228', firmware('2.6.0'));
    assert.equal(hit?.matched[0]?.versionEndExcluding, '2.7.0');
    assert.deepEqual(hit?.doubts, ['applies only with cpe:2.3:h:siemens:6bk1602-0aa12-0tp0:-:*:*:*:*:*:*:*, which an image does not show']);
    assert.deepEqual(applying('CVE-2021-44228', firmware('2.7.0')), []);
    assert.deepEqual(applying('CVE-2021-44228', { ...firmware('2.6.0'), part: 'a' }), [], 'the part must agree');
  });
});

describe('NVD configurations, hand-written cases (not NVD data)', () => {
  const app = 'cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*';
  const target = (version: string): CpeTarget => ({ part: 'a', vendor: 'acme', product: 'widget', version });
  const evaluate = (config: CpeConfiguration, version: string) => evaluateConfiguration(config, target(version), generic.compare);

  it('AND with another vulnerable product: false, since each component is judged alone', () => {
    const config: CpeConfiguration = {
      nodes: [
        {
          operator: 'AND',
          cpeMatch: [
            { criteria: app, vulnerable: true },
            { criteria: 'cpe:2.3:a:acme:gadget:*:*:*:*:*:*:*:*', vulnerable: true },
          ],
        },
      ],
    };
    assert.equal(evaluate(config, '1.0'), undefined);
  });

  it('a negated node excludes what it names: widget < 3.0 except 2.5', () => {
    const config: CpeConfiguration = {
      operator: 'AND',
      nodes: [
        { operator: 'OR', cpeMatch: [{ criteria: app, vulnerable: true, versionEndExcluding: '3.0' }] },
        { operator: 'OR', negate: true, cpeMatch: [{ criteria: 'cpe:2.3:a:acme:widget:2.5:*:*:*:*:*:*:*', vulnerable: true }] },
      ],
    };
    assert.deepEqual(evaluate(config, '2.4')?.doubts, []);
    assert.equal(evaluate(config, '2.5'), undefined);
    assert.equal(evaluate(config, '3.0'), undefined);
    assert.equal(evaluateConfiguration({ ...config, negate: true }, target('2.4'), generic.compare), undefined, 'a negated configuration');
  });

  it('platforms: only platforms never applies; OR with a match needs no platform; AND with a negated platform stays a doubt', () => {
    const os = 'cpe:2.3:o:acme:os:-:*:*:*:*:*:*:*';
    assert.equal(evaluate({ nodes: [{ operator: 'OR', cpeMatch: [{ criteria: os, vulnerable: false }] }] }, '1.0'), undefined);
    assert.deepEqual(
      evaluate(
        {
          nodes: [
            {
              operator: 'OR',
              cpeMatch: [
                { criteria: os, vulnerable: false },
                { criteria: app, vulnerable: true },
              ],
            },
          ],
        },
        '1.0',
      )?.doubts,
      [],
    );
    const notOn: CpeConfiguration = {
      operator: 'AND',
      nodes: [
        { operator: 'OR', cpeMatch: [{ criteria: app, vulnerable: true }] },
        { operator: 'OR', negate: true, cpeMatch: [{ criteria: os, vulnerable: false }] },
      ],
    };
    assert.deepEqual(evaluate(notOn, '1.0')?.doubts, [`applies only with ${os}, which an image does not show`]);
  });

  it('a bound the order cannot read throws its VersionError (the matcher turns it into a warning)', () => {
    const config: CpeConfiguration = { nodes: [{ operator: 'OR', cpeMatch: [{ criteria: app, vulnerable: true, versionEndExcluding: 'next release' }] }] };
    assert.throws(() => evaluate(config, '1.0'), VersionError);
  });
});

describe('CPE candidates', () => {
  const index = (known: Record<string, string[]>) => ({ vendorsOf: (product: string) => known[product] ?? [] });

  it('log4j-1.2 1.2.17: product log4j (the dropped 1.2 is its own release line), vendor from NVD with a doubt unless the manifest names it', () => {
    const nvd = index({ log4j: ['apache'] });
    assert.deepEqual(cpeCandidates(pkg('maven', 'log4j-1.2', '1.2.17'), nvd), [
      { part: 'a', vendor: 'apache', product: 'log4j', version: '1.2.17', doubts: ['vendor not stated by the package (NVD names log4j under apache)'] },
    ]);
    assert.deepEqual(cpeCandidates(pkg('maven', 'log4j-1.2', '1.2.17', { vendorHint: 'org.apache.log4j', identifiedBy: 'manifest' }), nvd)[0]?.doubts, []);
    assert.deepEqual(cpeCandidates(pkg('maven', 'log4j-1.2', '1.2.17', { vendorHint: 'org.apache.log4j', identifiedBy: 'filename' }), nvd)[0]?.doubts, [
      'version 1.2.17 read from the file name',
    ]);
  });

  it('separator variants, a dropped suffix that is not the version line, and several vendors', () => {
    const nvd = index({ commons_text: ['apache'], foo: ['acme', 'other'], 'Foo-2': ['never'] });
    assert.deepEqual(
      cpeCandidates(pkg('maven', 'Commons-Text', '1.9'), nvd).map((c) => `${c.vendor}:${c.product}`),
      ['apache:commons_text'],
    );
    const foo = cpeCandidates(pkg('maven', 'foo-2', '1.0', { vendorHint: 'Acme Corp.' }), nvd);
    assert.deepEqual(
      foo.map((c) => [c.vendor, c.product, c.doubts]),
      [['acme', 'foo', ['product foo guessed from the name foo-2 without its 2']]],
    );
    assert.deepEqual(
      cpeCandidates(pkg('maven', 'foo', '1.0', { vendorHint: 'com.example' }), nvd).map((c) => c.vendor),
      ['acme', 'other'],
      'a hint NVD does not know: every vendor',
    );
    assert.deepEqual(cpeCandidates(pkg('maven', 'unknown-thing', '1.0'), nvd), []);
  });
});

describe('which packages are CPE-matched', () => {
  it('only those with no ecosystem identity; never OS packages, never a resolved Maven or other ecosystem package', () => {
    for (const type of ['deb', 'apk', 'rpm'] as const) assert.equal(matchedByCpe(pkg(type, 'log4j', '1.2.17', { unresolved: true })), false, type);
    assert.equal(matchedByCpe(pkg('maven', 'log4j:log4j', '1.2.17')), false);
    assert.equal(matchedByCpe(pkg('npm', 'log4j', '1.2.17')), false);
    assert.equal(matchedByCpe(pkg('maven', 'log4j-1.2', '1.2.17', { unresolved: true })), true);
    // A type no advisory ecosystem covers (what a binary fingerprint will be) joins without a flag.
    assert.equal(matchedByCpe(pkg('binary' as Package['type'], 'openssl', '3.0.2')), true);
  });
});

describe('CPE matching against the mirror database', () => {
  let dir: string;
  let db: VulnDatabase;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plimsoll-cpe-'));
    await runDbUpdate({ dbDir: join(dir, 'db'), mirror: MIRROR, quiet: true });
    db = openDatabase(join(dir, 'db'));
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** NVD's own primary v3.1 rating in the raw record. */
  const nvdSeverity = (cve: string): string | undefined => raw(cve).metrics.cvssMetricV31?.find((m) => m.type === 'Primary')?.cvssData.baseSeverity;

  function checkLog4jFindings(found: Vulnerability[]): void {
    assert.deepEqual(found.map((v) => v.id).sort(), LOG4J_1);
    for (const v of found) {
      assert.equal(v.matchedBy, 'cpe', v.id);
      assert.equal(v.dataSource, 'nvd', v.id);
      assert.equal(v.severitySource, 'nvd', v.id);
      assert.equal(v.severity, nvdSeverity(v.id), v.id);
      assert.deepEqual(v.references, [`https://nvd.nist.gov/vuln/detail/${v.id}`]);
    }
    const c23307 = found.find((v) => v.id === 'CVE-2022-23307');
    assert.equal(c23307?.fixedVersion, '2.0', 'versionEndExcluding');
    assert.equal(c23307?.status, 'fixed');
    assert.equal(c23307?.title, 'CVE-2020-9493 identified a deserialization issue that was present in Apache Chainsaw.');
    const c17571 = found.find((v) => v.id === 'CVE-2019-17571');
    assert.equal(c17571?.fixedVersion, undefined, 'versionEndIncluding names no fix');
    assert.equal(c17571?.status, 'unfixed');
  }

  it('a hand-made unresolved jar log4j-1.2 1.2.17: the five log4j 1.x CVEs, NVD severity, medium confidence (vendor guessed), low for the release-line one', () => {
    const jar = pkg('maven', 'log4j-1.2', '1.2.17', { unresolved: true });
    const result = matchVulnerabilities({ packages: [jar] }, db);
    checkLog4jFindings(result.vulnerabilities);
    assert.deepEqual(Object.fromEntries(result.vulnerabilities.map((v) => [v.id, v.confidence])), {
      'CVE-2019-17571': 'medium',
      'CVE-2021-4104': 'low',
      'CVE-2022-23302': 'medium',
      'CVE-2022-23305': 'medium',
      'CVE-2022-23307': 'medium',
    });
    assert.match(result.vulnerabilities.find((v) => v.id === 'CVE-2021-4104')?.matchReason ?? '', /release line 1\.2/);
    assert.deepEqual(
      result.coverage.entries.map((e) => [e.ecosystem, e.packages, e.checked]),
      [['NVD CPE', 1, true]],
      'not sent to the Maven look-up',
    );
    assert.match(result.coverage.entries[0]?.reason ?? '', /1 of 1 packages affected, 5 findings \(0 high, 4 medium, 1 low confidence\).*only 18 NVD records/);
  });

  it('the same jar resolved (log4j:log4j) or installed as an OS package is never CPE-matched', () => {
    const resolved = matchVulnerabilities({ packages: [pkg('maven', 'log4j:log4j', '1.2.17')] }, db);
    assert.deepEqual(
      resolved.vulnerabilities.filter((v) => v.matchedBy === 'cpe'),
      [],
    );
    assert.deepEqual(
      resolved.coverage.entries.map((e) => e.ecosystem),
      ['Maven'],
    );
    const os = matchVulnerabilities(
      { os: { family: 'debian', version: '12.8' }, packages: [pkg('deb', 'log4j', '1.2.17', { unresolved: true }), pkg('apk', 'log4j-1.2', '1.2.17')] },
      db,
    );
    assert.deepEqual(
      os.vulnerabilities.filter((v) => v.matchedBy === 'cpe'),
      [],
    );
    assert.ok(!os.coverage.entries.some((e) => e.ecosystem === 'NVD CPE'));
  });

  it('a name NVD does not know is said in coverage; an unreadable version is a warning, not a crash', () => {
    const result = matchVulnerabilities(
      { packages: [pkg('maven', 'commons-collections3', '3.2.2', { unresolved: true }), pkg('binary' as Package['type'], 'log4j', 'build 17')] },
      db,
    );
    assert.deepEqual(result.vulnerabilities, []);
    assert.match(result.coverage.entries[0]?.reason ?? '', /1 not known to NVD by name, so not checked: commons-collections3/);
    assert.deepEqual(result.coverage.warnings, [
      { message: 'log4j build 17 not matched against NVD: invalid generic version "build 17": not dotted numbers with at most one suffix', source: 'match' },
    ]);
  });

  it('an NVD bound the order cannot read skips that record with a warning (hand-written record)', () => {
    const record: NvdRecord = {
      id: 'CVE-0000-0001',
      published: '',
      lastModified: '',
      cvss: [],
      cwes: [],
      configurations: [
        { nodes: [{ operator: 'OR', cpeMatch: [{ criteria: 'cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*', vulnerable: true, versionEndExcluding: 'next' }] }] },
      ],
    };
    const warnings = new Set<string>();
    const index = { vendorsOf: () => ['acme'], nvdRecordsFor: () => [record] };
    const result = matchCpe([pkg('binary' as Package['type'], 'widget', '1.0')], index, 1, () => ({}), cvssScore, warnings);
    assert.deepEqual(result.vulnerabilities, []);
    assert.deepEqual(
      [...warnings],
      ['CVE-0000-0001 (NVD acme:widget, widget 1.0) not evaluated: invalid generic version "next": not dotted numbers with at most one suffix'],
    );
    assert.equal(matchCpe([], index, 0, () => ({}), cvssScore, warnings).entry.checked, false, 'no NVD data: not checked');
  });

  it(
    "Debian's log4j-1.2-1.2.17.jar read by the Java analyzer: unresolved, vendor from its Bundle-SymbolicName, the log4j 1.x CVEs at high confidence",
    { skip: existsSync(DEBIAN_LOG4J) ? undefined : `${DEBIAN_LOG4J} missing (apt-get install liblog4j1.2-java)` },
    async () => {
      const rootfs = join(dir, 'rootfs');
      mkdirSync(join(rootfs, 'opt/app/lib'), { recursive: true });
      copyFileSync(DEBIAN_LOG4J, join(rootfs, 'opt/app/lib/log4j-1.2-1.2.17.jar'));
      const inventory = await inventoryImage(await openImage(`dir:${rootfs}`), { analyzers: [javaArchiveAnalyzer] });
      assert.deepEqual(
        inventory.packages.map((p) => [p.name, p.version, p.purl, p.metadata?.unresolved, p.metadata?.vendorHint]),
        [['log4j-1.2', '1.2.17', 'pkg:generic/log4j-1.2@1.2.17', true, 'org.apache.log4j']],
      );
      const result = matchVulnerabilities(inventory, db);
      checkLog4jFindings(result.vulnerabilities);
      for (const v of result.vulnerabilities) assert.equal(v.confidence, v.id === 'CVE-2021-4104' ? 'medium' : 'high', v.id);
      assert.equal(result.vulnerabilities[0]?.path, 'opt/app/lib/log4j-1.2-1.2.17.jar');
    },
  );
});
