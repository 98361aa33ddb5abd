import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PackageURL } from 'packageurl-js';
import { apkPurl } from '../../src/ecosystems/apk/purl.js';
import { debPurl } from '../../src/ecosystems/deb/purl.js';
import { formatPurl } from '../../src/model/purl.js';
import { rpmPurl } from '../../src/ecosystems/rpm/purl.js';
import { needTestbed } from '../helpers/testbed.js';
import { osInventory, testbedFs } from '../helpers/testbed-fs.js';
import { TESTBED_IMAGES } from '../helpers/truth.js';

const debian = { family: 'debian', version: '12.8' };

describe('purls', () => {
  it('match the purl specification examples (hand-copied from the spec)', () => {
    assert.equal(
      formatPurl({ type: 'deb', namespace: 'debian', name: 'curl', version: '7.50.3-1', qualifiers: { arch: 'i386', distro: 'jessie' } }),
      'pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie',
    );
    assert.equal(
      formatPurl({ type: 'rpm', namespace: 'fedora', name: 'curl', version: '7.50.3-1.fc25', qualifiers: { distro: 'fedora-25', arch: 'i386' } }),
      'pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25',
    );
    assert.equal(formatPurl({ type: 'npm', namespace: '@angular', name: 'animation', version: '12.3.1' }), 'pkg:npm/%40angular/animation@12.3.1');
  });

  it('deb: the DESIGN example, epochs in the epoch qualifier, source in upstream', () => {
    assert.equal(
      debPurl({ name: 'libc6', version: '2.36-9+deb12u9', arch: 'amd64', sourceName: 'glibc', sourceVersion: '2.36-9+deb12u9' }, debian),
      'pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12.8&upstream=glibc',
    );
    assert.equal(
      debPurl({ name: 'bsdutils', version: '1:2.38.1-5+deb12u3', arch: 'amd64', sourceName: 'util-linux', sourceVersion: '2.38.1-5+deb12u3' }, debian),
      'pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12.8&epoch=1&upstream=util-linux%402.38.1-5%2Bdeb12u3',
    );
    assert.equal(
      debPurl({ name: 'zlib1g', version: '1:1.3', arch: 'amd64' }, { family: 'ubuntu', version: '24.04' }),
      'pkg:deb/ubuntu/zlib1g@1.3?arch=amd64&distro=ubuntu-24.04&epoch=1',
    );
  });

  it('apk and rpm', () => {
    assert.equal(
      apkPurl(
        { name: 'busybox-binsh', version: '1.36.1-r29', arch: 'x86_64', sourceName: 'busybox', sourceVersion: '1.36.1-r29' },
        { family: 'alpine', version: '3.20.3' },
      ),
      'pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox',
    );
    assert.equal(
      rpmPurl(
        { name: 'curl', epoch: 1, version: '7.61.1', release: '25.el8', arch: 'x86_64', sourceRpm: 'curl-7.61.1-25.el8.src.rpm' },
        { family: 'rhel', version: '8.9' },
      ),
      'pkg:rpm/redhat/curl@7.61.1-25.el8?arch=x86_64&distro=rhel-8.9&epoch=1&upstream=curl-7.61.1-25.el8.src.rpm',
    );
    assert.equal(
      rpmPurl({ name: 'bash', epoch: 0, version: '5.2.15', release: '1.amzn2023', arch: 'x86_64' }, { family: 'amazon', version: '2023' }),
      'pkg:rpm/amzn/bash@5.2.15-1.amzn2023?arch=x86_64&distro=amazon-2023',
    );
  });

  it('every testbed package purl parses back (packageurl-js) to its own name, version and arch', { skip: needTestbed() }, async () => {
    let count = 0;
    for (const image of TESTBED_IMAGES) {
      const { inventory } = await osInventory(await testbedFs(image), image.name);
      for (const p of inventory.packages) {
        const purl = PackageURL.fromString(p.purl);
        assert.equal(purl.type, p.type);
        assert.equal(purl.namespace, inventory.os?.family);
        assert.equal(purl.name, p.name);
        const epoch = purl.qualifiers?.epoch;
        assert.equal(epoch ? `${epoch}:${purl.version}` : purl.version, p.version);
        assert.equal(purl.qualifiers?.arch, p.arch);
        assert.equal(purl.qualifiers?.distro, `${inventory.os?.family}-${inventory.os?.version}`);
        count++;
      }
    }
    assert.equal(count, 127 + 88 + 12 + 14 * 6);
  });
});
