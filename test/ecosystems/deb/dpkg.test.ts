import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ImageFilesystem } from '../../../src/image/files.js';
import { openImage } from '../../../src/image/open.js';
import { wholeImage } from '../../../src/inventory/layer-view.js';
import { inventoryImage } from '../../../src/inventory/run.js';
import { dep5Licenses, dpkgAnalyzer } from '../../../src/ecosystems/deb/dpkg.js';
import { needTestbed, TESTBED } from '../../helpers/testbed.js';
import { fsFromFiles } from '../../helpers/memory-fs.js';
import { testbedFs } from '../../helpers/testbed-fs.js';
import { TESTBED_IMAGES, truthRows } from '../../helpers/truth.js';

function image(name: string) {
  const found = TESTBED_IMAGES.find((i) => i.name === name);
  assert.ok(found, name);
  return found;
}

async function run(fs: ImageFilesystem) {
  const { ownedFiles, ...result } = await dpkgAnalyzer.analyze({ fs: wholeImage(fs) });
  return { ...result, owned: new Set(Object.values(ownedFiles ?? {}).flat()) };
}

describe('dpkg on the testbed images (truth: dpkg.tsv from dpkg-query)', { skip: needTestbed() }, () => {
  for (const img of TESTBED_IMAGES) {
    it(`${img.name}: every field of every package, nothing missing, nothing extra`, async () => {
      const { packages, warnings } = await run(await testbedFs(img));
      const truth = truthRows(img.truthDir, 'dpkg.tsv').map((r) =>
        [r.package, r.version, r.source, r.source_version, r.architecture, r.origin?.replace(/^\//, '')].join('\t'),
      );
      const ours = packages.map((p) => [p.name, p.version, p.source?.name, p.source?.version, p.arch, p.locations[0]?.path].join('\t'));
      assert.deepEqual(ours.sort(), truth.sort());
      assert.deepEqual(warnings, []);
    });
  }

  it('debian-app: each package carries the layer that installed it, not the top layer that rewrote status', async () => {
    const resolved = await openImage(`oci:${image('debian-app').layout}:${image('debian-app').tag}`);
    const { packages, contents } = await inventoryImage(resolved, { analyzers: [dpkgAnalyzer] }).finally(() => resolved.close());
    contents.close();
    const base = new Set(truthRows('debian-bookworm', 'dpkg.tsv').map((r) => `${r.package}=${r.version}`));
    const { layers } = JSON.parse(readFileSync(join(TESTBED, 'truth/debian-app/image.json'), 'utf8')) as { layers: { digest: string }[] };
    // debian-bookworm's packages came with layer 0 (debootstrap), the others with layer 1 (apt-get install).
    for (const p of packages) {
      const expected = base.has(`${p.name}=${p.version}`) ? 0 : 1;
      assert.equal(p.locations[0]?.layer.index, expected, p.name);
      assert.equal(p.locations[0]?.layer.digest, layers[expected]?.digest, p.name);
    }
    // Removed by the top layer (removed-by-top-layer.tsv): never reported.
    assert.equal(
      packages.find((p) => p.name === 'libcommons-lang3-java'),
      undefined,
    );
  });

  it('debian-bookworm: owned files come from info/*.list, merged-/usr paths included', async () => {
    const fs = await testbedFs(image('debian-bookworm'));
    const { owned } = await run(fs);
    assert.ok(owned.has('usr/bin/dpkg'));
    assert.ok(owned.has('bin/bash'), 'as listed in bash.list');
    assert.ok(owned.has('usr/bin/bash'), 'where bin/ -> usr/bin puts it');
    assert.ok(!owned.has('etc/hostname') && !owned.has(''));
  });

  it('distroless-style: owned files come from status.d/<pkg>.md5sums', async () => {
    const { owned } = await run(await testbedFs(image('distroless-style')));
    assert.ok(owned.has('usr/share/doc/libc6/copyright'));
    assert.ok([...owned].every((p) => !p.startsWith('/')));
  });

  it('debian-bookworm: licences from machine-readable copyright files only', async () => {
    const fs = await testbedFs(image('debian-bookworm'));
    const { packages } = await run(fs);
    for (const p of packages) {
      const text = fs.read(`usr/share/doc/${p.name}/copyright`)?.body.toString('utf8') ?? '';
      const machineReadable = /^Format:.*copyright-format/m.test(text.split('\n\n')[0] ?? '');
      const withLicense = machineReadable && /^License:\s*\S/m.test(text);
      assert.equal((p.licenses ?? []).length > 0, withLicense, p.name);
    }
  });
});

// Hand-written damaged databases: the analyzer warns, names the file and keeps what it could read.
describe('dpkg on damaged input (hand-written)', () => {
  const paragraph = (name: string, status = 'install ok installed') =>
    `Package: ${name}\nStatus: ${status}\nPriority: optional\nArchitecture: amd64\nVersion: 1.0-1\nDescription: test\n continued line\n`;

  it('a truncated status file keeps the complete paragraphs and warns about the cut one', async () => {
    const text = `${paragraph('one')}\n${paragraph('two')}\n${paragraph('three').slice(0, 40)}`;
    const { packages, warnings } = await run(fsFromFiles({ 'var/lib/dpkg/status': text }));
    assert.deepEqual(
      packages.map((p) => p.name),
      ['one', 'two'],
    );
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.path, 'var/lib/dpkg/status');
    assert.match(warnings[0]?.message ?? '', /three.*truncated/);
  });

  it('an empty status file is a warning, not silence', async () => {
    const { packages, warnings } = await run(fsFromFiles({ 'var/lib/dpkg/status': '' }));
    assert.deepEqual(packages, []);
    assert.deepEqual(warnings, [{ path: 'var/lib/dpkg/status', message: 'dpkg database is empty: no packages recorded' }]);
  });

  it('binary garbage yields warnings, never a throw', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const { packages } = await run(fsFromFiles({ 'var/lib/dpkg/status': `${paragraph('ok')}\n${garbage}` }));
    assert.deepEqual(
      packages.map((p) => p.name),
      ['ok'],
    );
  });

  it('only installed (ii) and held (hi) packages count, like dpkg-query', async () => {
    const text = [
      paragraph('installed'),
      paragraph('held', 'hold ok installed'),
      paragraph('removed', 'deinstall ok config-files'),
      paragraph('half', 'install ok half-installed'),
      paragraph('unpacked', 'install ok unpacked'),
    ].join('\n');
    const { packages } = await run(fsFromFiles({ 'var/lib/dpkg/status': text }));
    assert.deepEqual(
      packages.map((p) => p.name),
      ['installed', 'held'],
    );
  });

  it('Source with and without a version', async () => {
    const text = `${paragraph('a')}Source: srca\n\n${paragraph('b')}Source: srcb (0.9-2)\n`;
    const { packages } = await run(fsFromFiles({ 'var/lib/dpkg/status': text }));
    assert.deepEqual(
      packages.map((p) => p.source),
      [
        { name: 'srca', version: '1.0-1' },
        { name: 'srcb', version: '0.9-2' },
      ],
    );
  });
});

describe('dep5Licenses (hand-written copyright files)', () => {
  it('reads License: of Files paragraphs', () => {
    const text =
      'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: x\n\nFiles: *\nCopyright: me\nLicense: GPL-2+\n long text\n\nFiles: debian/*\nLicense: MIT\n\nLicense: GPL-2+\n text\n';
    assert.deepEqual(dep5Licenses(text), ['GPL-2+', 'MIT']);
  });
  it('ignores free-form copyright files', () => {
    assert.deepEqual(dep5Licenses('This is free software.\nLicense: whatever\n'), []);
  });
});
