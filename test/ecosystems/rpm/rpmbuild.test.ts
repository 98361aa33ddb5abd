// Fields the testbed databases do not exercise (modularity label, one package in two arches),
// in a SQLite database that rpm itself writes here: rpmbuild makes a hand-written package,
// rpm --justdb installs it for x86_64 and i686, and rpm's own query is the reference.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rpmAnalyzer } from '../../../src/ecosystems/rpm/rpm.js';
import { wholeImage } from '../../../src/inventory/layer-view.js';
import { readRpmDatabase } from '../../../src/ecosystems/rpm/rpmdb/database.js';
import { memoryFs } from './memory-fs.js';
import { rpmQuery } from './reference.js';

const SPEC = `Name: plimsoll-fixture
Epoch: 3
Version: 1.2.3
Release: 4.test
Summary: Hand-written fixture for Plimsoll's rpm tests
License: MIT AND (Apache-2.0 OR BSD-3-Clause)
Vendor: Plimsoll tests
%description
Fixture.
%install
mkdir -p %{buildroot}/usr/share/plimsoll %{buildroot}/etc
echo a > %{buildroot}/usr/share/plimsoll/a.txt
echo b > %{buildroot}/etc/plimsoll.conf
%files
/usr/share/plimsoll
%config /etc/plimsoll.conf
`;

const haveRpmbuild = spawnSync('rpmbuild', ['--version']).status === 0;

function run(cmd: string, args: string[]): void {
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr}`);
}

describe('a database written by rpm itself', { skip: haveRpmbuild ? undefined : 'rpmbuild is not installed (apt-get install rpm)' }, () => {
  let work = '';
  let body = Buffer.alloc(0);

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-rpmbuild-'));
    const top = join(work, 'build');
    const dbPath = join(work, 'db');
    mkdirSync(dbPath);
    writeFileSync(join(work, 'fixture.spec'), SPEC);
    for (const target of ['x86_64', 'i686']) {
      run('rpmbuild', [
        '--quiet',
        '-bb',
        '--target',
        target,
        '--define',
        `_topdir ${top}`,
        '--define',
        'modularitylabel perl:5.26:8000:abc',
        '--define',
        'debug_package %{nil}',
        join(work, 'fixture.spec'),
      ]);
    }
    const rpms = ['x86_64', 'i686'].map((arch) => join(top, 'RPMS', arch, `plimsoll-fixture-1.2.3-4.test.${arch}.rpm`));
    run('rpm', ['--define', '_db_backend sqlite', '--dbpath', dbPath, '-i', '--justdb', '--nodeps', '--noscripts', '--nosignature', '--ignorearch', ...rpms]);
    body = readFileSync(join(dbPath, 'rpmdb.sqlite'));
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('header fields equal rpm -qa', () => {
    const format = '%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}|%{VENDOR}|%{MODULARITYLABEL}|[%{FILENAMES},]\n';
    const theirs = rpmQuery(body, 'rpmdb.sqlite', 'sqlite', format).trim().split('\n').sort();
    const db = readRpmDatabase(body);
    assert.deepEqual(db.problems, []);
    const ours = db.headers.map((h) =>
      [h.name, h.epoch, h.version, h.release, h.arch, h.sourceRpm, h.license, h.vendor, h.modularityLabel, h.files.map((f) => `/${f},`).join('')].join('|'),
    );
    assert.deepEqual(ours.sort(), theirs);
  });

  it('the analyzer keeps both arches apart and carries epoch and modularity label', async () => {
    const ctx = { fs: wholeImage(memoryFs([{ path: 'var/lib/rpm/rpmdb.sqlite', body }])), os: { family: 'rhel', version: '8.9' } };
    const { packages, warnings, ownedFiles } = await rpmAnalyzer.analyze(ctx);
    assert.deepEqual(warnings, []);
    assert.deepEqual(packages.map((p) => p.arch).sort(), ['i686', 'x86_64']);
    assert.equal(new Set(packages.map((p) => p.id)).size, 2);
    for (const pkg of packages) {
      assert.equal(pkg.version, '3:1.2.3-4.test');
      assert.deepEqual(pkg.source, { name: 'plimsoll-fixture', version: '1.2.3-4.test' });
      assert.deepEqual(pkg.licenses, ['MIT AND (Apache-2.0 OR BSD-3-Clause)']);
      assert.deepEqual(pkg.metadata, {
        epoch: 3,
        release: '4.test',
        sourceRpm: 'plimsoll-fixture-1.2.3-4.test.src.rpm',
        modularityLabel: 'perl:5.26:8000:abc',
        vendor: 'Plimsoll tests',
      });
      assert.match(pkg.purl, /^pkg:rpm\/redhat\/plimsoll-fixture@1\.2\.3-4\.test\?arch=(x86_64|i686)&distro=rhel-8\.9&epoch=3&upstream=/);
    }
    assert.deepEqual(
      Object.values(ownedFiles ?? {})
        .flat()
        .sort(),
      ['etc/plimsoll.conf', 'usr/share/plimsoll', 'usr/share/plimsoll/a.txt'],
    );
  });
});
