// Verified like containerd: the config's diff IDs against the uncompressed layers, their count against
// the layers, descriptor sizes against the blobs; --insecure-skip-verify makes each a warning.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzLayer, sha256, writeLayout } from '../helpers/make-image.js';
import { assertOneLineError, plimsoll } from '../helpers/cli.js';

const layer = (): ReturnType<typeof gzLayer> => gzLayer([{ name: 'etc/hostname', body: 'x\n' }]);

function warnings(stdout: string): string[] {
  return (JSON.parse(stdout) as { warnings: { message: string }[] }).warnings.map((w) => w.message);
}

describe('verification as container runtimes make it', () => {
  it('a diff ID that is not the digest of the uncompressed layer is an error naming the layer, or a warning when skipped', async () => {
    const l = await layer();
    const dir = writeLayout([{ ...l, tar: Buffer.from('not the layer') }]);
    assertOneLineError(
      plimsoll('sbom', `oci:${dir}`, '--format', 'json'),
      `layer ${sha256(l.blob)}`,
      `uncompressed digest ${sha256(l.tar as Buffer)}`,
      `diff ID ${sha256('not the layer')}`,
      '--insecure-skip-verify',
    );
    const r = plimsoll('sbom', `oci:${dir}`, '--format', 'json', '--insecure-skip-verify');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      warnings(r.stdout).some((w) => w.includes('does not match the config') && w.includes('not verified')),
      r.stdout,
    );
  });

  it('a diff ID count that differs from the layer count', async () => {
    const dir = writeLayout([await layer()], { config: { rootfs: { type: 'layers', diff_ids: [] } } });
    assertOneLineError(plimsoll('sbom', `oci:${dir}`, '--format', 'json'), 'the config lists 0 diff IDs (rootfs.diff_ids) for 1 layers');
  });

  it('a descriptor size smaller or larger than the blob', async () => {
    const l = await layer();
    assertOneLineError(
      plimsoll('sbom', `oci:${writeLayout([{ ...l, size: l.blob.length + 10 }])}`, '--format', 'json'),
      `is ${l.blob.length} bytes, but its descriptor says ${l.blob.length + 10}`,
    );
    // Read up to the declared size and no further: the bytes read are not the blob the digest names.
    assertOneLineError(plimsoll('sbom', `oci:${writeLayout([{ ...l, size: l.blob.length - 10 }])}`, '--format', 'json'), 'digest mismatch');
  });
});
