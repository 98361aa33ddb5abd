// Java archives made here with the JDK's `jar` and Info-ZIP's `zip` around Debian's real jars
// (libcommons-io-java, libcommons-cli-java, libatinject-jsr330-api-java, libaopalliance-java):
// nested WAR and Spring Boot layouts, expected values read with `unzip -p`; a zip bomb, deep
// nesting, too many entries and a truncated archive must each give a warning, never a throw.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PackageURL } from 'packageurl-js';
import type { CapturedFile } from '../../../src/image/files.js';
import { openImage } from '../../../src/image/open.js';
import { DEFAULT_JAVA_LIMITS, javaArchiveAnalyzer, readJavaArchive } from '../../../src/ecosystems/maven/java-archive.js';
import { parseProperties } from '../../../src/ecosystems/maven/java-metadata.js';
import { inventoryImage } from '../../../src/inventory/run.js';
import type { Package } from '../../../src/model/package.js';
import { hasTool } from '../common/binary/tools.js';

const DEBIAN_JARS = ['commons-io.jar', 'commons-cli.jar', 'atinject-jsr330-api-1.0.jar', 'aopalliance-1.0.jar'].map((j) => `/usr/share/java/${j}`);
const missing = [...['jar', 'zip', 'unzip'].filter((t) => !hasTool('sh', ['-c', `command -v ${t}`])), ...DEBIAN_JARS.filter((j) => !existsSync(j))];
const LAYER = { index: 0, digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000' };

/** pom.properties of a real jar, as unzip reads it. */
function pomOf(jar: string, entry: string): string {
  const props = parseProperties(execFileSync('unzip', ['-p', jar, entry], { encoding: 'utf8' }));
  return `${props.get('groupId')}:${props.get('artifactId')}@${props.get('version')}`;
}

function captured(path: string, body: Buffer): CapturedFile {
  return { path, type: 'file', mode: 0o644, size: body.length, layer: LAYER, body };
}

const byPath = (packages: Package[]): Record<string, string> => Object.fromEntries(packages.map((p) => [p.locations[0]?.path ?? '', `${p.name}@${p.version}`]));

describe(
  'Java archives made with jar and zip',
  { skip: missing.length > 0 ? `missing: ${missing.join(', ')} (apt default-jdk-headless zip unzip and the lib*-java packages)` : undefined },
  () => {
    let work: string;
    let rootfs: string;
    const sh = (cmd: string, cwd: string): void => void execFileSync('sh', ['-c', cmd], { cwd, stdio: 'ignore' });

    before(() => {
      work = mkdtempSync(join(tmpdir(), 'plimsoll-java-'));
      rootfs = join(work, 'rootfs');
      mkdirSync(join(rootfs, 'opt'), { recursive: true });
      // A WAR around three real Debian jars: one with pom.properties, one with only a manifest version, one with only a versioned name.
      const war = join(work, 'war');
      mkdirSync(join(war, 'WEB-INF/lib'), { recursive: true });
      for (const jar of DEBIAN_JARS.filter((j) => !j.endsWith('commons-cli.jar')))
        copyFileSync(jar, join(war, 'WEB-INF/lib', jar.slice(jar.lastIndexOf('/') + 1)));
      sh(`jar --create --file ${join(rootfs, 'opt/app.war')} -C ${war} .`, work);
      // Spring Boot style: BOOT-INF/lib/inner.jar (pom.properties as Maven writes it) holding lib/commons-cli.jar in turn.
      const inner = join(work, 'inner');
      mkdirSync(join(inner, 'META-INF/maven/com.example/inner'), { recursive: true });
      mkdirSync(join(inner, 'lib'), { recursive: true });
      writeFileSync(
        join(inner, 'META-INF/maven/com.example/inner/pom.properties'),
        '#Created by Apache Maven 3.8.7\ngroupId=com.example\nartifactId=inner\nversion=0.3.1\n',
      );
      copyFileSync('/usr/share/java/commons-cli.jar', join(inner, 'lib/commons-cli.jar'));
      const boot = join(work, 'boot');
      mkdirSync(join(boot, 'BOOT-INF/lib'), { recursive: true });
      sh(`jar --create --file ${join(boot, 'BOOT-INF/lib/inner.jar')} -C ${inner} .`, work);
      writeFileSync(join(work, 'boot.mf'), 'Implementation-Title: demo\nImplementation-Version: 2.0.0\nImplementation-Vendor-Id: com.example\n');
      sh(`jar --create --file ${join(rootfs, 'opt/demo-app.jar')} --manifest ${join(work, 'boot.mf')} -C ${boot} .`, work);
      // A symlink to a jar is the same archive: not reported twice.
      sh(`ln -s demo-app.jar ${join(rootfs, 'opt/demo.jar')}`, work);
    });

    after(() => rmSync(work, { recursive: true, force: true }));

    it('identifies nested archives by pom.properties, then the manifest, then the file name', async () => {
      const result = await inventoryImage(await openImage(`dir:${rootfs}`), { analyzers: [javaArchiveAnalyzer] });
      assert.deepEqual(result.warnings, []);
      const nested = 'opt/demo-app.jar!/BOOT-INF/lib/inner.jar';
      assert.deepEqual(byPath(result.packages), {
        'opt/app.war!/WEB-INF/lib/commons-io.jar': pomOf('/usr/share/java/commons-io.jar', 'META-INF/maven/commons-io/commons-io/pom.properties'),
        // Manifest: Bundle-Version 1.0.0; the artifactId comes from the file name.
        'opt/app.war!/WEB-INF/lib/atinject-jsr330-api-1.0.jar': 'atinject-jsr330-api@1.0.0',
        'opt/app.war!/WEB-INF/lib/aopalliance-1.0.jar': 'aopalliance@1.0',
        'opt/demo-app.jar': 'com.example:demo-app@2.0.0',
        [nested]: 'com.example:inner@0.3.1',
        [`${nested}!/lib/commons-cli.jar`]: pomOf('/usr/share/java/commons-cli.jar', 'META-INF/maven/commons-cli/commons-cli/pom.properties'),
      });
      const identified = Object.fromEntries(result.packages.map((p) => [p.locations[0]?.path, p.metadata?.identifiedBy]));
      assert.equal(identified['opt/app.war!/WEB-INF/lib/atinject-jsr330-api-1.0.jar'], 'manifest');
      assert.equal(identified['opt/app.war!/WEB-INF/lib/aopalliance-1.0.jar'], 'filename');
      const cli = result.packages.find((p) => p.name === 'commons-cli:commons-cli');
      assert.equal(cli?.metadata?.sha1, execFileSync('sha1sum', ['/usr/share/java/commons-cli.jar'], { encoding: 'utf8' }).split(' ')[0]);
      assert.match(cli?.purl ?? '', /^pkg:maven\/commons-cli\/commons-cli@/);
      assert.equal(cli?.metadata?.unresolved, undefined);
      // No groupId: no Maven purl (the maven type requires a namespace), a generic one that parses, and the flag CPE matching goes by.
      const unresolved = result.packages.filter((p) => p.metadata?.unresolved === true);
      assert.deepEqual(unresolved.map((p) => [p.purl, p.metadata?.vendorHint]).sort(), [
        ['pkg:generic/aopalliance@1.0', undefined],
        ['pkg:generic/atinject-jsr330-api@1.0.0', 'javax.inject'],
      ]);
      for (const p of unresolved) assert.equal(PackageURL.fromString(p.purl).toString(), p.purl);
      for (const p of result.packages.filter((x) => x.metadata?.unresolved !== true)) assert.equal(PackageURL.fromString(p.purl).type, 'maven');
    });

    it('stops at the inflated-size budget with a warning naming the file (zip bomb)', () => {
      const dir = join(work, 'bomb');
      mkdirSync(join(dir, 'WEB-INF/lib'), { recursive: true });
      sh('head -c 20971520 /dev/zero > WEB-INF/lib/huge.jar && zip -q -r bomb.war WEB-INF', dir);
      const body = readFileSync(join(dir, 'bomb.war'));
      assert.ok(body.length < 100_000, 'zip compresses 20 MiB of zeros to a few KiB');
      return readJavaArchive(captured('opt/bomb.war', body), { ...DEFAULT_JAVA_LIMITS, maxInflated: 8 * 1024 * 1024 }).then((result) => {
        assert.deepEqual(result.packages, []);
        assert.equal(result.warnings.length, 1);
        assert.equal(result.warnings[0]?.path, 'opt/bomb.war');
        assert.match(result.warnings[0]?.message ?? '', /WEB-INF\/lib\/huge\.jar would inflate to 20971520 bytes.*zip bomb/);
      });
    });

    it('stops at the nesting depth (a recursive archive) and at the entry count', async () => {
      const dir = join(work, 'deep');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'a.txt'), 'x');
      sh('zip -q level0.jar a.txt', dir);
      for (let i = 1; i <= 4; i++) sh(`zip -q level${i}.jar level${i - 1}.jar`, dir);
      const deep = await readJavaArchive(captured('opt/level4.jar', readFileSync(join(dir, 'level4.jar'))), { ...DEFAULT_JAVA_LIMITS, maxDepth: 2 });
      assert.deepEqual(deep.warnings, [
        {
          path: 'opt/level4.jar',
          message: 'opt/level4.jar!/level3.jar!/level2.jar!/level1.jar: archives nested more than 2 deep (a recursive archive?); not read',
        },
      ]);

      for (let i = 0; i < 20; i++) writeFileSync(join(dir, `f${i}.txt`), String(i));
      sh('zip -q many-1.0.jar f*.txt', dir);
      const many = await readJavaArchive(captured('opt/many-1.0.jar', readFileSync(join(dir, 'many-1.0.jar'))), { ...DEFAULT_JAVA_LIMITS, maxEntries: 10 });
      assert.match(many.warnings[0]?.message ?? '', /^opt\/many-1\.0\.jar: archive limit reached \(too many entries\)/);
    });

    it('warns about a truncated archive and goes on with the next file', async () => {
      const whole = readFileSync('/usr/share/java/commons-io.jar');
      const cut = await readJavaArchive(captured('opt/cut.jar', whole.subarray(0, whole.length - 100)));
      assert.deepEqual(cut.packages, []);
      assert.match(cut.warnings[0]?.message ?? '', /^opt\/cut\.jar: unreadable archive \(.+\)$/);
    });
  },
);

describe('Java archive predicate', () => {
  it('wants the six archive suffixes on regular files only', () => {
    const info = (path: string, type: 'file' | 'symlink' = 'file') => ({ path, type, mode: 0o644, size: 10 });
    for (const ext of ['jar', 'war', 'ear', 'par', 'jpi', 'hpi']) assert.ok(javaArchiveAnalyzer.wants(info(`opt/x.${ext}`)), ext);
    assert.ok(!javaArchiveAnalyzer.wants(info('opt/x.zip')));
    assert.ok(!javaArchiveAnalyzer.wants(info('usr/share/java/x.jar', 'symlink')));
  });
});
