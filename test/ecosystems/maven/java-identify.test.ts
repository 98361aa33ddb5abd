// Issue 13's Done-when for Java: a WAR around Debian's real log4j 1.2 and commons-collections 3 jars
// (liblog4j1.2-java, libcommons-collections3-java), which carry no Maven metadata, is identified by
// SHA-1 through a database whose index was built from Debian's /usr/share/maven-repo, and matched
// against real GitHub-reviewed OSV records (test/fixtures/osv-ghsa-log4j). Then each later step of
// the identification order on small hand-made archives (made here with `zip`, stated as such).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PackageURL } from 'packageurl-js';
import { openImage } from '../../../src/image/open.js';
import { javaArchiveAnalyzer } from '../../../src/ecosystems/maven/java-archive.js';
import { inventoryImage } from '../../../src/inventory/run.js';
import type { Package } from '../../../src/model/package.js';
import { plimsoll } from '../../helpers/cli.js';
import { gzLayer, writeLayout } from '../../helpers/make-image.js';
import { hasTool } from '../common/binary/tools.js';

const LOG4J = '/usr/share/java/log4j-1.2-1.2.17.jar';
const COLLECTIONS = '/usr/share/java/commons-collections3-3.2.2.jar';
const GHSA = join(import.meta.dirname, '../../fixtures/osv-ghsa-log4j');
const missing = [
  ...['jar', 'zip'].filter((t) => !hasTool('sh', ['-c', `command -v ${t}`])),
  ...[LOG4J, COLLECTIONS, '/usr/share/maven-repo'].filter((p) => !existsSync(p)),
];
const skip = missing.length > 0 ? `missing: ${missing.join(', ')} (apt liblog4j1.2-java libcommons-collections3-java default-jdk-headless zip)` : undefined;

interface JsonReport {
  packages: (Package & { metadata: Record<string, unknown> })[];
  vulnerabilities: { id: string; aliases: string[]; packageId: string; matchedBy?: string; dataSource: string; severity: string; status: string }[];
}

describe('a WAR of Debian jars without Maven metadata, identified by SHA-1', { skip }, () => {
  let work: string;
  let layout: string;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-java-sha1-'));
    const lib = join(work, 'war/WEB-INF/lib');
    mkdirSync(lib, { recursive: true });
    for (const jar of [LOG4J, COLLECTIONS]) copyFileSync(jar, join(lib, jar.slice(jar.lastIndexOf('/') + 1)));
    execFileSync('jar', ['--create', '--file', join(work, 'app.war'), '-C', join(work, 'war'), '.']);
    layout = writeLayout([await gzLayer([{ name: 'opt/app/app.war', body: readFileSync(join(work, 'app.war')) }])], { tag: 'war' });
    mkdirSync(join(work, 'empty-mirror'));
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(layout, { recursive: true, force: true });
  });

  it('reports log4j:log4j 1.2.17 and commons-collections:commons-collections 3.2.2 with valid purls, and the log4j advisories', () => {
    const db = join(work, 'db');
    const update = plimsoll(
      'db',
      'update',
      '--db-dir',
      db,
      '--mirror',
      join(work, 'empty-mirror'),
      '--source',
      'maven-repo:/usr/share/maven-repo',
      '--source',
      `osv-dir:${GHSA}`,
      '--quiet',
    );
    assert.equal(update.status, 0, update.stderr);
    const run = plimsoll('image', `oci:${layout}:war`, '--db-dir', db, '--format', 'json', '--quiet');
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    const sha1 = (file: string): string => execFileSync('sha1sum', [file], { encoding: 'utf8' }).slice(0, 40);
    assert.deepEqual(
      report.packages.map((p) => [p.name, p.version, p.purl, p.metadata.identifiedBy, p.metadata.confidence, p.metadata.sha1, p.metadata.unresolved]),
      [
        [
          'commons-collections:commons-collections',
          '3.2.2',
          'pkg:maven/commons-collections/commons-collections@3.2.2',
          'sha1',
          'high',
          sha1(COLLECTIONS),
          undefined,
        ],
        ['log4j:log4j', '1.2.17', 'pkg:maven/log4j/log4j@1.2.17', 'sha1', 'high', sha1(LOG4J), undefined],
      ],
    );
    for (const p of report.packages) {
      const purl = PackageURL.fromString(p.purl);
      assert.equal(purl.toString(), p.purl);
      assert.equal(`${purl.namespace}:${purl.name}`, p.name);
    }
    const log4j = report.packages.find((p) => p.name === 'log4j:log4j');
    const found = report.vulnerabilities.filter((v) => v.packageId === log4j?.id);
    // GHSA-f7vh-qwp3-x37m (CVE-2022-23307) ends its range in {"fixed": ""}: no fix, so affected.
    const expected = [
      'CVE-2019-17571:GHSA-2qrg-x229-3v8q',
      'CVE-2021-4104:GHSA-fp5r-v3w9-4333',
      'CVE-2022-23302:GHSA-w9p3-5cr8-m3jj',
      'CVE-2022-23305:GHSA-65fg-84f6-3jq3',
      'CVE-2022-23307:GHSA-f7vh-qwp3-x37m',
    ];
    const reported = found.map((v) => `${v.id}:${v.aliases.join(',')}`);
    assert.deepEqual([...reported].sort(), expected);
    assert.equal(found.find((v) => v.id === 'CVE-2022-23307')?.status, 'unfixed');
    for (const v of found) {
      assert.equal(v.matchedBy, 'ecosystem', v.id);
      assert.equal(v.dataSource, 'private/osv-ghsa-log4j', v.id);
    }
    assert.equal(found.find((v) => v.id === 'CVE-2019-17571')?.severity, 'CRITICAL');
    assert.deepEqual(
      report.vulnerabilities.filter((v) => v.packageId !== log4j?.id),
      [],
      'commons-collections 3.2.2 has none in these records',
    );
  });

  it('without a database (plimsoll sbom) the index is not consulted: only what the jars themselves say, at lower confidence', () => {
    const run = plimsoll('sbom', `oci:${layout}:war`, '--format', 'json', '--quiet', '--offline');
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    // Debian's commons-collections manifest says Implementation-Vendor-Id: org.apache, which is not its Maven group: hence medium.
    assert.deepEqual(report.packages.map((p) => [p.purl, p.metadata.identifiedBy, p.metadata.confidence, p.metadata.unresolved]).sort(), [
      ['pkg:generic/log4j-1.2@1.2.17', 'manifest', 'low', true],
      ['pkg:maven/org.apache/commons-collections3@3.2.2', 'manifest', 'medium', undefined],
    ]);
  });
});

describe('the later identification steps, on hand-made archives', { skip: hasTool('sh', ['-c', 'command -v zip']) ? undefined : 'missing: zip' }, () => {
  let work: string;
  let rootfs: string;
  /** A zip of `files` (paths → text) at `at` in the root filesystem. */
  const archive = (at: string, files: Record<string, string>): void => {
    const dir = mkdtempSync(join(work, 'src-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    mkdirSync(dirname(join(rootfs, at)), { recursive: true });
    execFileSync('zip', ['-q', '-r', join(rootfs, at), '.'], { cwd: dir });
  };

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-java-ids-'));
    rootfs = join(work, 'rootfs');
    const marker = (name: string): Record<string, string> => ({ 'README.txt': `hand-made for Plimsoll's tests: ${name}` });
    // Debian's layout: the jar in /usr/share/java, its coordinates only in the maven-repo symlinks (an alias `debian` one too).
    archive('usr/share/java/widget.jar', marker('usr/share/java/widget.jar'));
    for (const version of ['4.5.6', 'debian']) {
      const dir = join(rootfs, `usr/share/maven-repo/org/example/widget/${version}`);
      mkdirSync(dir, { recursive: true });
      symlinkSync('../../../../../java/widget.jar', join(dir, `widget-${version}.jar`));
    }
    archive('root/.m2/repository/com/acme/tool/2.0/tool-2.0.jar', marker('root/.m2/repository/com/acme/tool/2.0/tool-2.0.jar'));
    // pom.xml without pom.properties: groupId and version from <parent>, artifactId its own.
    archive('opt/lib/child.jar', {
      'META-INF/maven/org.acme/child/pom.xml':
        '<?xml version="1.0"?>\n<!-- <groupId>not.this</groupId> -->\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <parent><groupId>org.acme</groupId><artifactId>parent</artifactId><version>3.1</version></parent>\n  <artifactId>child</artifactId>\n  <dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><version>9</version></dependency></dependencies>\n</project>\n',
    });
    archive('opt/lib/modular.jar', {
      'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\nAutomatic-Module-Name: io.example.modular\nImplementation-Version: 0.7.1\n\n',
    });
    archive('var/jenkins_home/plugins/git.hpi', {
      'META-INF/MANIFEST.MF':
        'Manifest-Version: 1.0\nGroup-Id: org.jenkins-ci.plugins\nShort-Name: git\nPlugin-Version: 5.2.1 (private-abc)\nImplementation-Title: git\n\n',
    });
    archive('opt/app/lib/org.typelevel.cats-core_2.13-2.9.0.jar', marker('opt/app/lib/org.typelevel.cats-core_2.13-2.9.0.jar'));
    archive('opt/app/lib/plain-1.0.jar', marker('opt/app/lib/plain-1.0.jar'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('maven-repo path (of the jar or a symlink to it), pom.xml with parent, manifest, Jenkins plugin, sbt file name; a plain name stays unresolved', async () => {
    const result = await inventoryImage(await openImage(`dir:${rootfs}`), { analyzers: [javaArchiveAnalyzer] });
    assert.deepEqual(result.warnings, []);
    const seen = result.packages
      .map((p) => [p.locations[0]?.path, p.purl, p.metadata?.identifiedBy, p.metadata?.confidence])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(seen, [
      ['opt/app/lib/org.typelevel.cats-core_2.13-2.9.0.jar', 'pkg:maven/org.typelevel/cats-core_2.13@2.9.0', 'filename', 'low'],
      ['opt/app/lib/plain-1.0.jar', 'pkg:generic/plain@1.0', 'filename', 'low'],
      ['opt/lib/child.jar', 'pkg:maven/org.acme/child@3.1', 'pom.xml', 'high'],
      ['opt/lib/modular.jar', 'pkg:maven/io.example/modular@0.7.1', 'manifest', 'medium'],
      ['root/.m2/repository/com/acme/tool/2.0/tool-2.0.jar', 'pkg:maven/com.acme/tool@2.0', 'maven-repo-path', 'high'],
      ['usr/share/java/widget.jar', 'pkg:maven/org.example/widget@4.5.6', 'maven-repo-path', 'high'],
      ['var/jenkins_home/plugins/git.hpi', 'pkg:maven/org.jenkins-ci.plugins/git@5.2.1', 'jenkins-manifest', 'high'],
    ]);
    for (const p of result.packages) assert.equal(PackageURL.fromString(p.purl).toString(), p.purl);
    assert.equal(result.packages.find((p) => p.purl.startsWith('pkg:generic/'))?.metadata?.unresolved, true);
  });

  it('the SHA-1 index comes before every other way but pom.properties, and names the other artifacts one file is published as', async () => {
    const widget = readFileSync(join(rootfs, 'usr/share/java/widget.jar'));
    const { createHash } = await import('node:crypto');
    const sha1 = createHash('sha1').update(widget).digest('hex');
    const index = {
      mavenBySha1: (s: string) =>
        s === sha1
          ? [
              { groupId: 'org.other', artifactId: 'gizmo', version: '1' },
              { groupId: 'org.example', artifactId: 'widget', version: '4.5.6' },
            ]
          : [],
    };
    const result = await inventoryImage(await openImage(`dir:${rootfs}`), { analyzers: [javaArchiveAnalyzer], artifactIndex: index });
    const found = result.packages.find((p) => p.locations[0]?.path === 'usr/share/java/widget.jar');
    assert.deepEqual(
      [found?.purl, found?.metadata?.identifiedBy, found?.metadata?.confidence, found?.metadata?.alsoKnownAs],
      ['pkg:maven/org.example/widget@4.5.6', 'sha1', 'medium', 'org.other:gizmo:1'],
    );
  });
});
