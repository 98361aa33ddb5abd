import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectOs, lookupRelease, osFilesWanted, parseOsRelease } from '../../src/inventory/distro.js';
import { needTestbed } from '../helpers/testbed.js';
import { fsFromFiles, type FixtureFiles } from '../helpers/memory-fs.js';
import { testbedFs } from '../helpers/testbed-fs.js';
import { TESTBED_IMAGES, truthRows } from '../helpers/truth.js';

describe('detectOs on the testbed images (truth: os.tsv)', { skip: needTestbed() }, () => {
  for (const image of TESTBED_IMAGES) {
    it(image.name, async () => {
      const rows = truthRows(image.truthDir, 'os.tsv');
      const field = (source: string, key: string) => rows.find((r) => r.source === source && r.key === key)?.value;
      const os = detectOs(await testbedFs(image), new Date('2026-11-30'));
      const id = field('os-release', 'ID');
      if (!id) {
        assert.equal(os, undefined, 'an image without os-release or release files has no OS');
        return;
      }
      assert.ok(os);
      assert.equal(os.family, id);
      // The point release: debian_version (12.15) refines os-release's `12`; alpine-release is the full version.
      assert.equal(os.version, field('etc/debian_version', 'content') ?? field('etc/alpine-release', 'content') ?? field('os-release', 'VERSION_ID'));
      assert.equal(os.codename, field('os-release', 'VERSION_CODENAME'));
      assert.ok(os.name?.includes(field('os-release', 'PRETTY_NAME') ?? '?'));
      assert.equal(os.name?.startsWith('Distroless'), image.name === 'distroless-style');
      assert.equal(typeof os.eolDate, 'string');
      assert.equal(os.eol, (os.eolDate ?? '') < '2026-11-30');
    });
  }
});

// Hand-written os-release fixtures: the distributions no testbed image has, with the fields their
// images ship (values as published by each distribution).
const HAND_WRITTEN: [string, FixtureFiles, { family: string; version: string; codename?: string; eolDate?: string; eol?: boolean }][] = [
  [
    'ubuntu 22.04',
    { 'etc/os-release': 'NAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n' },
    { family: 'ubuntu', version: '22.04', codename: 'jammy', eolDate: '2027-04-30' },
  ],
  [
    'wolfi',
    { 'etc/os-release': 'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="Wolfi"\nVERSION_ID="20230201"\nHOME_URL="https://wolfi.dev"\n' },
    { family: 'wolfi', version: '20230201' },
  ],
  [
    'chainguard',
    { 'etc/os-release': 'ID=chainguard\nNAME="Chainguard"\nPRETTY_NAME="Chainguard"\nVERSION_ID="20230214"\n' },
    { family: 'chainguard', version: '20230214' },
  ],
  [
    'ubi 9',
    {
      'etc/os-release': 'NAME="Red Hat Enterprise Linux"\nVERSION="9.4 (Plow)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n',
      'etc/redhat-release': 'Red Hat Enterprise Linux release 9.4 (Plow)\n',
    },
    { family: 'rhel', version: '9.4', codename: 'Plow', eolDate: '2032-05-31' },
  ],
  [
    'centos 7',
    { 'etc/os-release': 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\n' },
    { family: 'centos', version: '7', eolDate: '2024-06-30' },
  ],
  [
    'centos stream 9',
    { 'etc/os-release': 'NAME="CentOS Stream"\nVERSION="9"\nID="centos"\nVERSION_ID="9"\n' },
    { family: 'centos-stream', version: '9', eolDate: '2027-05-31' },
  ],
  [
    'rocky 9',
    { 'etc/os-release': 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nVERSION_ID="9.3"\n' },
    { family: 'rocky', version: '9.3', eolDate: '2032-05-31' },
  ],
  [
    'almalinux 8',
    { 'etc/os-release': 'NAME="AlmaLinux"\nVERSION="8.9 (Midnight Oncilla)"\nID="almalinux"\nVERSION_ID="8.9"\n' },
    { family: 'almalinux', version: '8.9', eolDate: '2029-03-01' },
  ],
  [
    'oracle 8',
    { 'etc/os-release': 'NAME="Oracle Linux Server"\nVERSION="8.9"\nID="ol"\nVERSION_ID="8.9"\n' },
    { family: 'oracle', version: '8.9', eolDate: '2029-07-31' },
  ],
  [
    'fedora 40',
    { 'etc/os-release': 'NAME="Fedora Linux"\nVERSION="40 (Container Image)"\nID=fedora\nVERSION_ID=40\n' },
    { family: 'fedora', version: '40', eolDate: '2025-05-13' },
  ],
  [
    'amazon linux 2',
    { 'etc/os-release': 'NAME="Amazon Linux"\nVERSION="2"\nID="amzn"\nID_LIKE="centos rhel fedora"\nVERSION_ID="2"\n' },
    { family: 'amazon', version: '2', codename: 'Karoo', eolDate: '2026-06-30' },
  ],
  [
    'amazon linux 2023',
    { 'usr/lib/os-release': 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nVERSION_ID="2023"\n', 'etc/os-release': { symlink: '../usr/lib/os-release' } },
    { family: 'amazon', version: '2023', eolDate: '2029-06-30' },
  ],
  [
    'sles 15.5',
    { 'etc/os-release': 'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nID="sles"\nID_LIKE="suse"\n' },
    { family: 'sles', version: '15.5', eolDate: '2024-12-31' },
  ],
  [
    'opensuse leap 15.6',
    { 'etc/os-release': 'NAME="openSUSE Leap"\nVERSION="15.6"\nID="opensuse-leap"\nID_LIKE="suse opensuse"\nVERSION_ID="15.6"\n' },
    { family: 'opensuse-leap', version: '15.6', eolDate: '2026-04-30' },
  ],
  [
    'opensuse tumbleweed',
    { 'etc/os-release': 'NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\nVERSION_ID="20241110"\n' },
    { family: 'opensuse-tumbleweed', version: '20241110' },
  ],
  ['photon 5', { 'etc/os-release': 'NAME="VMware Photon OS"\nVERSION="5.0"\nID=photon\nVERSION_ID=5.0\n' }, { family: 'photon', version: '5.0' }],
  [
    'cbl-mariner 2',
    { 'etc/os-release': 'NAME="Common Base Linux Mariner"\nVERSION="2.0.20240117"\nID=mariner\nVERSION_ID="2.0"\n' },
    { family: 'cbl-mariner', version: '2.0', eolDate: '2025-07-31' },
  ],
  [
    'azure linux 3',
    { 'etc/os-release': 'NAME="Microsoft Azure Linux"\nVERSION="3.0.20240727"\nID=azurelinux\nVERSION_ID="3.0"\n' },
    { family: 'azurelinux', version: '3.0' },
  ],
  [
    'bottlerocket',
    { 'etc/os-release': 'NAME=Bottlerocket\nID=bottlerocket\nVERSION="1.20.3 (aws-k8s-1.29)"\nVERSION_ID=1.20.3\n' },
    { family: 'bottlerocket', version: '1.20.3' },
  ],
  [
    'flatcar',
    { 'etc/os-release': 'NAME="Flatcar Container Linux by Kinvolk"\nID=flatcar\nID_LIKE=coreos\nVERSION=3815.2.5\nVERSION_ID=3815.2.5\n' },
    { family: 'flatcar', version: '3815.2.5' },
  ],
  [
    'debian testing (no VERSION_ID)',
    {
      'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\nID=debian\n',
      'etc/debian_version': 'trixie/sid\n',
    },
    { family: 'debian', version: 'trixie/sid', codename: 'trixie' },
  ],
  [
    'debian 13 trixie',
    { 'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nVERSION_ID="13"\nVERSION_CODENAME=trixie\nID=debian\n', 'etc/debian_version': '13.2\n' },
    { family: 'debian', version: '13.2', codename: 'trixie', eolDate: '2030-06-30' },
  ],
  ['debian 10 without os-release', { 'etc/debian_version': '10.13\n' }, { family: 'debian', version: '10.13', codename: 'buster', eolDate: '2024-06-30' }],
  ['alpine without os-release', { 'etc/alpine-release': '3.18.4\n' }, { family: 'alpine', version: '3.18.4', eolDate: '2025-05-09' }],
  // Older than every release the table lists: end-of-life, with no date to give.
  [
    'centos 6 redhat-release only',
    { 'etc/redhat-release': 'CentOS release 6.10 (Final)\n' },
    { family: 'centos', version: '6.10', codename: 'Final', eol: true },
  ],
  [
    'alpine 3.7, before the table',
    { 'etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.7.3\n', 'etc/alpine-release': '3.7.3\n' },
    { family: 'alpine', version: '3.7.3', eol: true },
  ],
  ['debian 7 wheezy, before the table', { 'etc/debian_version': '7.11\n' }, { family: 'debian', version: '7.11', eol: true }],
  ['alpine 3.99, after the table: not known', { 'etc/alpine-release': '3.99.0\n' }, { family: 'alpine', version: '3.99.0' }],
  ['amazon linux AMI system-release only', { 'etc/system-release': 'Amazon Linux AMI release 2018.03\n' }, { family: 'amazon', version: '2018.03' }],
];

describe('detectOs on hand-written release files', () => {
  for (const [name, files, expected] of HAND_WRITTEN) {
    it(name, () => {
      const os = detectOs(fsFromFiles(files), new Date('2026-11-30'));
      assert.ok(os);
      assert.equal(os.family, expected.family);
      assert.equal(os.version, expected.version);
      assert.equal(os.codename, expected.codename);
      assert.equal(os.eolDate, expected.eolDate);
      assert.equal(os.eol, expected.eol ?? (expected.eolDate === undefined ? undefined : expected.eolDate < '2026-11-30'));
    });
  }

  it('a distroless layout (status.d/, no shell) is named as such; the same tree with a shell is plain Debian', () => {
    const files: FixtureFiles = {
      'etc/os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
      'var/lib/dpkg/status.d': { dir: true },
    };
    assert.match(detectOs(fsFromFiles(files))?.name ?? '', /^Distroless/);
    assert.doesNotMatch(detectOs(fsFromFiles({ ...files, 'bin/sh': '' }))?.name ?? '', /^Distroless/);
  });

  it('no release files and unknown junk mean no OS', () => {
    assert.equal(detectOs(fsFromFiles({ 'usr/local/bin/app': 'ELF' })), undefined);
    assert.equal(detectOs(fsFromFiles({ 'etc/os-release': 'garbage without equals\n\n' })), undefined);
    assert.equal(detectOs(fsFromFiles({ 'etc/redhat-release': 'something else entirely\n' })), undefined);
  });

  it('eol follows the clock', () => {
    const fs = fsFromFiles({ 'etc/alpine-release': '3.20.3\n' });
    assert.equal(detectOs(fs, new Date('2026-03-31'))?.eol, false);
    assert.equal(detectOs(fs, new Date('2026-04-02'))?.eol, true);
  });
});

describe('parseOsRelease', () => {
  it('reads odd quoting without throwing (hand-written)', () => {
    const fields = parseOsRelease(
      [
        '# comment',
        "NAME='Single Quoted'",
        'PRETTY_NAME="Escaped \\"quote\\" and \\$dollar"',
        'ID=bare # trailing comment',
        'VERSION_ID="12',
        'EMPTY=',
        '  SPACED = "spaced"  ',
        'not a field',
        '=novalue',
        'BAD-KEY=x',
        'CRLF="yes"\r',
      ].join('\n'),
    );
    assert.deepEqual(fields, {
      NAME: 'Single Quoted',
      PRETTY_NAME: 'Escaped "quote" and $dollar',
      ID: 'bare',
      VERSION_ID: '12',
      EMPTY: '',
      SPACED: 'spaced',
      CRLF: 'yes',
    });
  });
});

describe('release table', () => {
  it('falls back from point releases to the release line', () => {
    assert.equal(lookupRelease('debian', '12.15')?.codename, 'bookworm');
    assert.equal(lookupRelease('alpine', '3.20.3')?.eol, '2026-04-01');
    assert.equal(lookupRelease('debian', '99'), undefined);
    assert.equal(lookupRelease('nosuchdistro', '1'), undefined);
  });

  it('every entry is well formed: real calendar dates, release before end of life, known fields only', () => {
    const table = JSON.parse(readFileSync(join(import.meta.dirname, '../../data/os-releases.json'), 'utf8')) as Record<string, unknown>;
    const isDate = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
    for (const [family, releases] of Object.entries(table)) {
      if (family === '_comment') continue;
      for (const [version, entry] of Object.entries(releases as Record<string, Record<string, unknown>>)) {
        const where = `${family} ${version}`;
        assert.deepEqual(
          Object.keys(entry).filter((k) => !['codename', 'released', 'eol'].includes(k)),
          [],
          where,
        );
        assert.ok(isDate(entry.released), `${where}: released`);
        if (entry.eol !== undefined) {
          assert.ok(isDate(entry.eol), `${where}: eol`);
          assert.ok((entry.released as string) < (entry.eol as string), `${where}: released before eol`);
        }
      }
    }
  });

  it('osFilesWanted takes the release files only', () => {
    const info = (path: string) => ({ path, type: 'file' as const, mode: 0o644, size: 100 });
    assert.equal(osFilesWanted(info('etc/os-release')), true);
    assert.equal(osFilesWanted(info('usr/lib/os-release')), true);
    assert.equal(osFilesWanted(info('etc/debian_version')), true);
    assert.equal(osFilesWanted(info('etc/passwd')), false);
    assert.equal(osFilesWanted(info('x/etc/os-release')), false);
  });
});
