// The testbed images give the findings their builds imply, and no others. Setuid/setgid and world-writable
// lists are compared with the reference unpacker's root filesystem (umoci unpack + lstat), counts and
// releases with the testbed truth (dpkg-query / apk database, os-release, skopeo-measured sizes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES, TESTBED, needTestbed } from '../helpers/testbed.js';
import { listRootfs, referenceRootfs } from '../helpers/reference-rootfs.js';
import { lookupRelease } from '../../src/inventory/distro.js';
import { scanHardening } from './pipeline.js';

const skip = needTestbed();

interface Expected {
  /** Finding ids besides the setuid/setgid ones (those are compared with the reference rootfs). */
  ids: string[];
  kind: string;
  shells: boolean;
  packageManagers: string[];
  /** Which truth count (dpkg-query rows, apk database paragraphs) the OS package figure must equal. */
  osPackages: 'dpkg' | 'apk' | undefined;
  recommendation: RegExp;
}

const ALPINE: Omit<Expected, 'ids'> = {
  kind: 'alpine',
  shells: true,
  packageManagers: ['apk'],
  osPackages: 'apk',
  recommendation: /distroless.*Alpine Linux 3\.\d+\.\d+ is already a minimal distribution/,
};

/** From each image's build (test/../shared/testbed/build-images.sh and README): what hardening must say. */
const EXPECTED: Record<string, Expected> = {
  // debootstrap minbase as root: no USER, no HEALTHCHECK, shell and apt, the distribution's setuid tools.
  'debian-bookworm': {
    ids: ['PLM-ROOT-USER', 'PLM-NO-HEALTHCHECK'],
    kind: 'debian',
    shells: true,
    packageManagers: ['apt', 'apt-get', 'dpkg'],
    osPackages: 'dpkg',
    recommendation: /^Use a distroless image.*the shell \([^)]*bash[^)]*\) and the package manager \(apt, apt-get, dpkg\) are present/,
  },
  // USER 1000, apt lists removed in the same RUN: only the missing HEALTHCHECK and the base's setuid tools.
  'debian-app': {
    ids: ['PLM-NO-HEALTHCHECK'],
    kind: 'debian',
    shells: true,
    packageManagers: ['apt', 'apt-get', 'dpkg'],
    osPackages: 'dpkg',
    recommendation: /^Use gcr\.io\/distroless\/python3/,
  },
  // uid 65532, no shell, no package manager.
  'distroless-style': {
    ids: ['PLM-NO-HEALTHCHECK'],
    kind: 'distroless',
    shells: false,
    packageManagers: [],
    osPackages: 'dpkg',
    recommendation: /^Keep distroless cc: no shell or package manager/,
  },
  'scratch-go': {
    ids: ['PLM-NO-HEALTHCHECK'],
    kind: 'scratch',
    shells: false,
    packageManagers: [],
    osPackages: undefined,
    recommendation: /^Keep scratch: \/usr\/local\/bin\/shfmt is a static Go binary/,
  },
  'alpine-3.10': { ...ALPINE, ids: ['PLM-EOL-OS', 'PLM-ROOT-USER', 'PLM-NO-HEALTHCHECK'] },
  'alpine-3.12': { ...ALPINE, ids: ['PLM-EOL-OS', 'PLM-ROOT-USER', 'PLM-NO-HEALTHCHECK'] },
  'alpine-3.20': {
    ...ALPINE,
    ids: [
      ...((lookupRelease('alpine', '3.20.3')?.eol ?? '9') < new Date().toISOString().slice(0, 10) ? ['PLM-EOL-OS'] : []),
      'PLM-ROOT-USER',
      'PLM-NO-HEALTHCHECK',
    ],
  },
};

function truth(name: string, file: string): string {
  return readFileSync(join(TESTBED, 'truth', name, file), 'utf8');
}

describe('hardening on the testbed images', { skip }, () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: the findings its build implies, and no others`, async () => {
      const tag = IMAGES[name] as string;
      const result = await scanHardening(`oci:${TESTBED}/oci/${name}:${tag}`);
      const rootfs = referenceRootfs(name, tag);
      const rows = listRootfs(rootfs);
      const special = (bits: number): string[] => rows.filter((r) => r.type === 'file' && (parseInt(r.mode, 8) & bits) !== 0).map((r) => r.path);
      const setuid = special(0o4000);
      const setgid = special(0o2000).filter((p) => !setuid.includes(p));
      const worldWritable = rows
        .filter((r) => (r.type === 'file' && (parseInt(r.mode, 8) & 0o002) !== 0) || (r.type === 'dir' && (parseInt(r.mode, 8) & 0o1002) === 0o002))
        .map((r) => r.path);

      const byId = (id: string): string[] =>
        result.findings
          .filter((f) => f.id === id)
          .map((f) => f.path as string)
          .sort();
      assert.deepEqual(byId('PLM-SETUID'), setuid.sort());
      assert.deepEqual(byId('PLM-SETGID'), setgid.sort());
      assert.deepEqual(byId('PLM-WORLD-WRITABLE'), worldWritable.sort());
      const others = result.findings.map((f) => f.id).filter((id) => !['PLM-SETUID', 'PLM-SETGID', 'PLM-WORLD-WRITABLE'].includes(id));
      assert.deepEqual(others.sort(), [...expected.ids].sort());
      for (const f of result.findings) assert.ok(f.origin === 'base' || f.origin === 'own', `${f.id} has an origin`);

      const image = JSON.parse(truth(name, 'image.json')) as { compressedSize: number; config: { User?: string } };
      const { counts } = JSON.parse(truth(name, 'counts.json')) as { counts: Record<string, number> };
      const surface = result.attackSurface;
      assert.equal(result.baseImage.kind, expected.kind);
      assert.equal(surface.shells.length > 0, expected.shells);
      assert.deepEqual(surface.packageManagers, expected.packageManagers);
      assert.equal(surface.osPackages, expected.osPackages ? counts[expected.osPackages] : 0);
      assert.equal(surface.setuidFiles, setuid.length);
      assert.equal(surface.size.compressed, image.compressedSize);
      assert.match(result.recommendation, expected.recommendation);
      if (name === 'distroless-style') assert.equal(image.config.User, '65532:65532');
    });
  }

  it('alpine images: release and end-of-life status from the release table', async () => {
    for (const name of ['alpine-3.10', 'alpine-3.12', 'alpine-3.20']) {
      const result = await scanHardening(`oci:${TESTBED}/oci/${name}:${IMAGES[name]}`);
      const release = /etc\/alpine-release\tcontent\t(\S+)/.exec(truth(name, 'os.tsv'))?.[1] as string;
      const eolDate = lookupRelease('alpine', release)?.eol as string;
      assert.equal(result.baseImage.release, release);
      assert.equal(result.baseImage.name, `Alpine Linux ${release}`);
      assert.equal(result.attackSurface.eolDate, eolDate);
      assert.equal(result.attackSurface.eol, new Date().toISOString().slice(0, 10) > eolDate);
    }
  });

  it('debian-app: base layer from the history, own layers after the base CMD', async () => {
    const result = await scanHardening(`oci:${TESTBED}/oci/debian-app:1.0`);
    assert.deepEqual(result.baseImage.layers, { base: 1, own: 3, method: 'history', inferred: true });
    const setuid = result.findings.find((f) => f.id === 'PLM-SETUID');
    assert.equal(setuid?.origin, 'base');
    assert.match(setuid?.createdBy ?? '', /^debootstrap/);
    assert.equal(result.findings.find((f) => f.id === 'PLM-NO-HEALTHCHECK')?.origin, 'own');
  });
});
