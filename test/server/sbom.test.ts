// The server reads back what `image --server` sends: every package type the CycloneDX writer emits,
// including runtimes identified by their bytes (type binary, purl pkg:generic), which have no purl type of their own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { genericPurl } from '../../src/model/purl.js';
import type { Package } from '../../src/model/package.js';
import { toCycloneDx } from '../../src/report/cyclonedx.js';
import { readSbom } from '../../src/server/sbom.js';

const LAYER = { index: 0, digest: `sha256:${'a'.repeat(64)}` };

const runtime: Package = {
  id: 'binary:python@3.11.2:usr/bin/python3.11',
  name: 'python',
  version: '3.11.2',
  type: 'binary',
  purl: genericPurl('python', '3.11.2'),
  locations: [{ path: 'usr/bin/python3.11', layer: LAYER }],
};

describe('a submitted SBOM', () => {
  it('keeps a fingerprinted runtime (type binary, purl pkg:generic) as a binary package', () => {
    const bom = toCycloneDx({
      artifact: { ref: 'registry.example/app:1.0', digest: `sha256:${'b'.repeat(64)}`, layers: [LAYER.digest] },
      packages: [runtime],
      warnings: [],
    });
    const read = readSbom(bom);
    assert.deepEqual(
      read.packages.map((p) => [p.type, p.name, p.version, p.purl]),
      [['binary', 'python', '3.11.2', runtime.purl]],
    );
  });
});
