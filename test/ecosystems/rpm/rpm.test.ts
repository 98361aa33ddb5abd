// The rpm Analyzer over an in-memory filesystem: which database it picks, the Package
// objects it makes (checked against the rpm -qa truth), owned files and warnings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalyzerContext } from '../../../src/inventory/analyzer.js';
import { wholeImage } from '../../../src/inventory/layer-view.js';
import { parseSourceRpm, rpmAnalyzer } from '../../../src/ecosystems/rpm/rpm.js';
import { readRpmDatabase } from '../../../src/ecosystems/rpm/rpmdb/database.js';
import { LAYER, memoryFs, type MemoryEntry } from './memory-fs.js';
import { databaseBytes, truthRows } from './reference.js';
import type { LayerRef } from '../../../src/model/layer.js';
import type { OsInfo } from '../../../src/model/os.js';

function context(entries: MemoryEntry[], os?: OsInfo): AnalyzerContext {
  return { fs: wholeImage(memoryFs(entries)), ...(os ? { os } : {}) };
}

const info = (path: string) => ({ path, type: 'file' as const, mode: 0o644, size: 1 });
const AMAZON: OsInfo = { family: 'amazon', version: '2023' };
const mariner = databaseBytes('cbl-mariner-2.0', 'rpmdb.sqlite');
const amazon = databaseBytes('amazonlinux2023-plain', 'rpmdb.sqlite');

describe('rpm analyzer', () => {
  it('wants the database files wherever distributions keep them, and nothing else', () => {
    for (const path of [
      'var/lib/rpm/Packages',
      'var/lib/rpm/rpmdb.sqlite',
      'usr/lib/sysimage/rpm/Packages.db',
      'usr/lib/sysimage/rpm/rpmdb.sqlite',
      'usr/share/rpm/Packages',
    ]) {
      assert.ok(rpmAnalyzer.wants(info(path)), path);
    }
    for (const path of ['var/lib/rpm/Name', 'var/lib/rpm/rpmdb.sqlite-shm', 'home/var/lib/rpm/Packages', 'var/lib/dpkg/status']) {
      assert.ok(!rpmAnalyzer.wants(info(path)), path);
    }
  });

  it('makes one Package per truth row, with epoch:version-release, source, purl and location', async () => {
    const layer: LayerRef = { index: 2, digest: `sha256:${'2'.repeat(64)}`, createdBy: 'RUN dnf install -y x' };
    const ctx = context([{ path: 'var/lib/rpm/rpmdb.sqlite', body: amazon, layer }], AMAZON);
    const { packages, warnings } = await rpmAnalyzer.analyze(ctx);
    assert.deepEqual(warnings, []);
    const truth = truthRows('amazonlinux2023-plain').map((row) => row.split('\t'));
    assert.equal(packages.length, truth.length);
    for (const [name, epoch, version, release, arch, sourceRpm] of truth) {
      const evr = `${epoch === '(none)' ? '' : `${epoch}:`}${version}-${release}`;
      const pkg = packages.find((p) => p.name === name && p.version === evr);
      assert.ok(pkg, `missing ${name} ${evr}`);
      assert.equal(pkg.type, 'rpm');
      assert.equal(pkg.arch, arch === '(none)' ? undefined : arch);
      assert.equal(pkg.metadata?.release, release);
      assert.equal(pkg.metadata?.epoch, epoch === '(none)' ? undefined : Number(epoch));
      assert.equal(pkg.metadata?.sourceRpm, sourceRpm === '(none)' ? undefined : sourceRpm);
      assert.deepEqual(pkg.locations, [{ path: 'var/lib/rpm/rpmdb.sqlite', layer }]);
    }
    const openssl = packages.find((p) => p.name === 'openssl-libs');
    assert.equal(openssl?.version, '1:3.0.8-1.amzn2023.0.4');
    assert.deepEqual(openssl?.source, { name: 'openssl', version: '3.0.8-1.amzn2023.0.4' });
    assert.equal(
      openssl?.purl,
      'pkg:rpm/amzn/openssl-libs@3.0.8-1.amzn2023.0.4?arch=x86_64&distro=amazon-2023&epoch=1&upstream=openssl-3.0.8-1.amzn2023.0.4.src.rpm',
    );
    assert.deepEqual(packages.find((p) => p.name === 'bash')?.licenses, ['GPLv3+']);
    assert.equal(new Set(packages.map((p) => p.id)).size, packages.length, 'ids are unique');
  });

  it('records owned files, image-relative', async () => {
    const ctx = context([{ path: 'var/lib/rpm/rpmdb.sqlite', body: amazon }]);
    const owned = Object.values((await rpmAnalyzer.analyze(ctx)).ownedFiles ?? {}).flat();
    assert.ok(owned.includes('usr/bin/bash'));
    assert.ok(owned.includes('etc/os-release'));
    assert.ok(!owned.some((p) => p.startsWith('/')));
  });

  it('omits the purl namespace and distro when the OS is unknown', async () => {
    const { packages } = await rpmAnalyzer.analyze(context([{ path: 'var/lib/rpm/Packages', body: databaseBytes('libuuid', 'Packages') }]));
    assert.equal(packages[0]?.purl, 'pkg:rpm/libuuid@2.32.1-42.el8_8?arch=x86_64&upstream=util-linux-2.32.1-42.el8_8.src.rpm');
    assert.deepEqual(packages[0]?.source, { name: 'util-linux', version: '2.32.1-42.el8_8' });
  });

  it('reads a database reached through the var/lib/rpm symlink once, at its real path', async () => {
    const ctx = context([
      { path: 'var/lib/rpm', linkTarget: '../../usr/lib/sysimage/rpm' },
      { path: 'usr/lib/sysimage/rpm/Packages.db', body: databaseBytes('sle15-bci', 'Packages.db') },
    ]);
    const { packages } = await rpmAnalyzer.analyze(ctx);
    assert.equal(packages.length, truthRows('sle15-bci').length);
    assert.ok(packages.every((p) => p.locations[0]?.path === 'usr/lib/sysimage/rpm/Packages.db'));
  });

  it('prefers the SQLite database to a stale Berkeley DB left beside it', async () => {
    const ctx = context([
      { path: 'var/lib/rpm/Packages', body: databaseBytes('libuuid', 'Packages') },
      { path: 'var/lib/rpm/rpmdb.sqlite', body: mariner },
    ]);
    const { packages, warnings } = await rpmAnalyzer.analyze(ctx);
    assert.deepEqual(warnings, []);
    assert.equal(packages.length, truthRows('cbl-mariner-2.0').length);
  });

  it('falls back to the next database, with a warning, when the first yields nothing', async () => {
    const ctx = context([
      { path: 'var/lib/rpm/rpmdb.sqlite', body: Buffer.from('SQLite format 3\0 and then garbage') },
      { path: 'var/lib/rpm/Packages', body: databaseBytes('libuuid', 'Packages') },
    ]);
    const { packages, warnings } = await rpmAnalyzer.analyze(ctx);
    assert.deepEqual(
      packages.map((p) => p.name),
      ['libuuid'],
    );
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.path, 'var/lib/rpm/rpmdb.sqlite');
    assert.match(warnings[0]?.message ?? '', /0 packages could still be read/);
  });

  it('warns naming the file and how many packages it could still read', async () => {
    const cut = mariner.subarray(0, Math.floor(mariner.length * 0.6));
    const { packages, warnings } = await rpmAnalyzer.analyze(context([{ path: 'var/lib/rpm/rpmdb.sqlite', body: cut }]));
    assert.ok(packages.length > 0);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.path, 'var/lib/rpm/rpmdb.sqlite');
    assert.match(warnings[0]?.message ?? '', new RegExp(`truncated.*; ${packages.length} packages could still be read$`));
  });

  it('reports nothing, without warnings, for an image with no rpm database', async () => {
    assert.deepEqual(await rpmAnalyzer.analyze(context([{ path: 'etc/os-release', body: Buffer.from('ID=debian\n'), layer: LAYER }])), {
      packages: [],
      warnings: [],
    });
  });

  it('splits source RPM file names into name and version-release', () => {
    assert.deepEqual(parseSourceRpm('util-linux-2.32.1-42.el8_8.src.rpm'), { name: 'util-linux', version: '2.32.1-42.el8_8' });
    assert.deepEqual(parseSourceRpm('kernel-5.14.0-1.nosrc.rpm'), { name: 'kernel', version: '5.14.0-1' });
    assert.equal(parseSourceRpm('not-a-source.rpm'), undefined);
  });
});

describe('rpm analyzer: owned paths', () => {
  const layers: LayerRef[] = [0, 1, 2, 3].map((index) => ({ index, digest: `sha256:${String(index).repeat(64)}` }));
  const headers = readRpmDatabase(amazon).headers;
  const filesOf = (name: string) => {
    const files = headers.find((h) => h.name === name)?.files;
    assert.ok(files && files.length > 0, `${name} owns files`);
    return files;
  };

  it('owns files under a symlinked directory at their real path too', async () => {
    const lib = filesOf('zlib').find((p) => p.startsWith('usr/lib64/') && !p.endsWith('/'));
    assert.ok(lib);
    const real = lib.replace('usr/lib64/', 'usr/lib/');
    // Hand-made layout: usr/lib64 is a symlink to usr/lib, as merged-/usr systems do with /bin and /lib.
    const ctx = context([
      { path: 'usr/lib64', linkTarget: 'lib' },
      { path: real, body: Buffer.from('x'), layer: layers[1] },
      { path: 'var/lib/rpm/rpmdb.sqlite', body: amazon, layer: layers[2] },
    ]);
    const { ownedFiles } = await rpmAnalyzer.analyze(ctx);
    const owned = Object.values(ownedFiles ?? {}).flat();
    assert.ok(owned.includes(lib));
    assert.ok(owned.includes(real));
  });
});
