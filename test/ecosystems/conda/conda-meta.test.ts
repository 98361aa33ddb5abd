// Conda environments in a real image: records under conda-meta/ (hand-written, see
// test/fixtures/conda-meta/README.md) in an image built with umoci, read by the whole pipeline, the
// CycloneDX SBOM, and the server's reading of that SBOM back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isCondaRecord } from '../../../src/ecosystems/conda/conda-meta.js';
import { openImage } from '../../../src/image/open.js';
import { ALL_ANALYZERS } from '../../../src/inventory/analyzers.js';
import { inventoryImage } from '../../../src/inventory/run.js';
import { languageEcosystem, matchedByCpe } from '../../../src/match/ecosystems.js';
import { readSbom } from '../../../src/server/sbom.js';
import { plimsoll } from '../../helpers/cli.js';
import { hasCommand } from '../../helpers/testbed.js';
import { withUmociImage } from '../../helpers/umoci-image.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/conda-meta');
const record = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const noUmoci = hasCommand('umoci') ? undefined : 'umoci not installed (../shared/testbed/install-tools.sh)';

const ZLIB = 'pkg:conda/zlib@1.3.1?build=h4ab18f5_1&channel=conda-forge&subdir=linux-64&type=conda';
const REQUESTS = 'pkg:conda/requests@2.31.0?build=py311h06a4308_1&channel=main&subdir=linux-64&type=tar.bz2';

const STEPS = [
  {
    createdBy: 'COPY conda /opt/conda',
    write: [
      { path: 'opt/conda/conda-meta/zlib-1.3.1-h4ab18f5_1.json', body: record('zlib-1.3.1-h4ab18f5_1.json') },
      { path: 'opt/conda/conda-meta/history', body: '==> 2024-06-01 10:00:00 <==\n+conda-forge/linux-64::zlib-1.3.1-h4ab18f5_1\n' },
      { path: 'opt/conda/conda-meta/broken-1.0-0.json', body: '{"name": "broken", "version": ' },
      { path: 'opt/conda/conda-meta/nameless-1.0-0.json', body: '{"version": "1.0"}' },
      { path: 'opt/app/conda-meta.json', body: '{"name": "not-a-record", "version": "1"}' },
    ],
  },
  {
    createdBy: 'RUN conda create -p /opt/conda/envs/app requests',
    write: [{ path: 'opt/conda/envs/app/conda-meta/requests-2.31.0-py311h06a4308_1.json', body: record('requests-2.31.0-py311h06a4308_1.json') }],
  },
];

describe('conda-meta records', () => {
  it('are the JSON files directly in a conda-meta directory', () => {
    assert.ok(isCondaRecord('opt/conda/conda-meta/zlib-1.3.1-h4ab18f5_1.json'));
    assert.ok(isCondaRecord('conda-meta/zlib-1.3.1-h4ab18f5_1.json'));
    assert.ok(!isCondaRecord('opt/conda/conda-meta/history'));
    assert.ok(!isCondaRecord('opt/app/conda-meta.json'));
    assert.ok(!isCondaRecord('opt/conda/conda-meta/sub/x.json'));
    assert.ok(!isCondaRecord('opt/my-conda-meta/x.json'));
  });

  it('inventory each installed package with its purl, licence and layer; a bad record is a warning naming it', { skip: noUmoci }, async () => {
    await withUmociImage(STEPS, 'conda', async (layout) => {
      const image = await openImage(`oci:${layout}:conda`);
      try {
        const inventory = await inventoryImage(image, { analyzers: ALL_ANALYZERS });
        inventory.contents.close();
        const conda = inventory.packages.filter((p) => p.type === 'conda');
        assert.deepEqual(
          conda.map((p) => [p.name, p.version, p.purl, p.licenses, p.locations.map((l) => [l.path, l.layer.index])]),
          [
            ['zlib', '1.3.1', ZLIB, ['Zlib'], [['opt/conda/conda-meta/zlib-1.3.1-h4ab18f5_1.json', 0]]],
            ['requests', '2.31.0', REQUESTS, ['Apache-2.0'], [['opt/conda/envs/app/conda-meta/requests-2.31.0-py311h06a4308_1.json', 1]]],
          ],
        );
        assert.deepEqual(conda[0]?.metadata, { build: 'h4ab18f5_1', channel: 'https://conda.anaconda.org/conda-forge/', subdir: 'linux-64' });
        assert.equal(inventory.packages.length, 2, 'nothing else in the image is a package');
        const warned = inventory.warnings.map((w) => `${w.path}: ${w.message}`);
        assert.equal(warned.length, 2, warned.join('\n'));
        assert.match(warned[0] ?? '', /^opt\/conda\/conda-meta\/broken-1\.0-0\.json: malformed JSON/);
        assert.match(warned[1] ?? '', /^opt\/conda\/conda-meta\/nameless-1\.0-0\.json: a conda-meta record without "name" and "version"; skipped$/);
        // No advisory feed covers conda channels: like other such ecosystems, matched through NVD CPEs only.
        assert.equal(languageEcosystem('conda'), undefined);
        assert.ok(conda.every(matchedByCpe));
      } finally {
        await image.close();
      }
    });
  });

  it('reach the CycloneDX SBOM, which the server reads back as conda packages', { skip: noUmoci }, async () => {
    await withUmociImage(STEPS, 'conda', async (layout) => {
      const r = plimsoll('sbom', `oci:${layout}:conda`, '--format', 'cyclonedx');
      assert.equal(r.status, 0, r.stderr);
      const bom = JSON.parse(r.stdout) as { components: { purl?: string; properties?: { name: string; value: string }[] }[] };
      const conda = bom.components.filter((c) => c.purl?.startsWith('pkg:conda/'));
      assert.deepEqual(
        conda.map((c) => c.purl),
        [ZLIB, REQUESTS],
      );
      assert.ok(conda.every((c) => c.properties?.some((p) => p.name === 'plimsoll:package:type' && p.value === 'conda')));
      const read = readSbom(bom);
      assert.deepEqual(
        read.packages.map((p) => [p.type, p.name, p.version]),
        [
          ['conda', 'zlib', '1.3.1'],
          ['conda', 'requests', '2.31.0'],
        ],
      );
    });
  });
});
