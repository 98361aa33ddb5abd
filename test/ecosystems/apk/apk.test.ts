import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageFilesystem } from '../../../src/image/files.js';
import { wholeImage } from '../../../src/inventory/layer-view.js';
import { apkAnalyzer } from '../../../src/ecosystems/apk/apk.js';
import { needTestbed } from '../../helpers/testbed.js';
import { fsFromFiles } from '../../helpers/memory-fs.js';
import { testbedFs } from '../../helpers/testbed-fs.js';
import { TESTBED_IMAGES, truthRows } from '../../helpers/truth.js';

async function run(fs: ImageFilesystem) {
  const { ownedFiles, ...result } = await apkAnalyzer.analyze({ fs: wholeImage(fs) });
  return { ...result, owned: new Set(Object.values(ownedFiles ?? {}).flat()) };
}

describe('apk on the testbed images (truth: apk.tsv from lib/apk/db/installed)', { skip: needTestbed() }, () => {
  for (const img of TESTBED_IMAGES) {
    it(`${img.name}: every field of every package, nothing missing, nothing extra`, async () => {
      const { packages, warnings, owned } = await run(await testbedFs(img));
      const truth = truthRows(img.truthDir, 'apk.tsv').map((r) => [r.package, r.version, r.origin, r.arch, r.license, r.commit].join('\t'));
      const ours = packages.map((p) => [p.name, p.version, p.source?.name, p.arch, p.licenses?.join(' '), p.metadata?.commit].join('\t'));
      assert.deepEqual(ours.sort(), truth.sort());
      assert.deepEqual(warnings, []);
      for (const p of packages) {
        assert.equal(p.source?.version, p.version);
        assert.equal(p.locations[0]?.path, 'lib/apk/db/installed');
        assert.equal(p.locations[0]?.layer.index, 0);
      }
      if (truth.length > 0) assert.ok(owned.has('bin/busybox'), 'F:bin + R:busybox');
    });
  }
});

describe('apk on damaged input (hand-written)', () => {
  const entry = (name: string) => `C:Q1abc=\nP:${name}\nV:1.0-r0\nA:x86_64\nL:MIT\no:${name}-src\nF:usr/bin\nR:${name}\n`;

  it('a truncated database keeps the complete entries and names the file', async () => {
    const { packages, warnings, owned } = await run(fsFromFiles({ 'lib/apk/db/installed': `${entry('one')}\n${entry('two')}\nC:Q1x=\nP:thr` }));
    assert.deepEqual(
      packages.map((p) => [p.name, p.source?.name]),
      [
        ['one', 'one-src'],
        ['two', 'two-src'],
      ],
    );
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.path, 'lib/apk/db/installed');
    assert.match(warnings[0]?.message ?? '', /thr.*truncated/);
    assert.deepEqual([...owned].sort(), ['usr/bin/one', 'usr/bin/two']);
  });

  it('an empty database is a warning', async () => {
    const { packages, warnings } = await run(fsFromFiles({ 'lib/apk/db/installed': '\n' }));
    assert.deepEqual(packages, []);
    assert.equal(warnings[0]?.path, 'lib/apk/db/installed');
  });

  it('no database: no packages and no warning', async () => {
    assert.deepEqual(await run(fsFromFiles({ 'etc/alpine-release': '3.20.3\n' })), { packages: [], warnings: [], owned: new Set() });
  });
});
