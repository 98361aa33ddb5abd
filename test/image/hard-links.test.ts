// A wanted file that is a hard link to a file nothing wanted: tar stores the bytes once, under the
// target's name, so the link's body comes from a second read of its layer. The image is built with
// umoci (the link is a real `umoci repack` of a hard-linked bundle); a hand-made layer checks the limits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { openImage } from '../../src/image/open.js';
import { readImage } from '../../src/image/scan.js';
import type { FileRequest } from '../../src/image/files.js';
import { inventoryImage } from '../../src/inventory/run.js';
import { ALL_ANALYZERS } from '../../src/inventory/analyzers.js';
import { gzLayer, writeLayout } from '../helpers/make-image.js';
import { withUmociImage } from '../helpers/umoci-image.js';
import { hasCommand } from '../helpers/testbed.js';

const METADATA = 'Metadata-Version: 2.1\nName: linked-dist\nVersion: 1.2.3\n';
const DIST_INFO = 'usr/lib/python3/dist-packages/linked_dist-1.2.3.dist-info';
const noUmoci = hasCommand('umoci') ? undefined : 'umoci not installed (../shared/testbed/install-tools.sh)';

describe('hard links to files nothing wanted', () => {
  it('an installed Python dist whose METADATA is a hard link is inventoried', { skip: noUmoci }, async () => {
    // umoci walks the bundle in lexical order: `a-store/…` comes first, so it is the target and METADATA the link.
    const steps = [
      {
        createdBy: 'COPY store /',
        write: [
          { path: 'a-store/meta', body: METADATA },
          { path: `${DIST_INFO}/METADATA`, hardLinkTo: 'a-store/meta' },
        ],
      },
    ];
    await withUmociImage(steps, 'linked', async (layout) => {
      const image = await openImage(`oci:${layout}:linked`);
      try {
        const { fs } = await readImage(image, { requests: [{ name: 'metadata', wants: (info) => info.path.endsWith('/METADATA') }] });
        assert.equal(fs.get(`${DIST_INFO}/METADATA`)?.type, 'hardlink', 'umoci wrote a hard link');
        assert.equal(fs.read(`${DIST_INFO}/METADATA`)?.body.toString(), METADATA);
        assert.equal(fs.read('a-store/meta'), undefined, 'the target itself stays unread');
        const inventory = await inventoryImage(image, { analyzers: ALL_ANALYZERS });
        const dist = inventory.packages.find((p) => p.name === 'linked-dist');
        assert.equal(dist?.version, '1.2.3');
        assert.deepEqual(
          dist?.locations.map((l) => l.path),
          [`${DIST_INFO}/METADATA`],
        );
      } finally {
        await image.close();
      }
    });
  });

  it("the link's own request decides: its reducer applies, and its size limit skips with a warning", async () => {
    const layer = await gzLayer([
      { name: 'data/blob', body: 'x'.repeat(1000) },
      { name: 'app/small', type: 'link', linkname: 'data/blob' },
      { name: 'app/tiny', type: 'link', linkname: 'data/blob' },
    ]);
    const layout = writeLayout([layer], { tag: 't' });
    try {
      const image = await openImage(`oci:${layout}:t`);
      const requests: FileRequest[] = [
        { name: 'reduced', wants: (info) => info.path === 'app/small', reduce: (info, body) => Buffer.from(`${info.size}:${body.length}`) },
        { name: 'limited', wants: (info) => info.path === 'app/tiny', maxFileSize: 100 },
      ];
      const contents = await readImage(image, { requests });
      await image.close();
      assert.equal(contents.fs.read('app/small')?.body.toString(), '1000:1000');
      assert.equal(contents.fs.read('app/tiny'), undefined);
      assert.ok(contents.fs.warnings.some((w) => w.path === 'app/tiny' && /larger than 100 bytes/.test(w.message)));
      assert.equal(contents.perLayer[0]?.linksAwaitingBodies, undefined, 'the second pass leaves nothing waiting');
    } finally {
      rmSync(layout, { recursive: true, force: true });
    }
  });
});
