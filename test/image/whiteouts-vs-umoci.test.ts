// Hand-written layers with the awkward cases (opaque directories, whiteouts of
// whole trees, type changes, writes through symlinked parents, hard links,
// special files), applied by Plimsoll and by umoci, the reference unpacker.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openImage } from '../../src/image/open.js';
import { readImage } from '../../src/image/scan.js';
import { fileRows } from '../../src/report/files.js';
import { gzLayer, writeLayout } from '../helpers/make-image.js';
import { listRootfs } from '../helpers/reference-rootfs.js';
import { hasCommand } from '../helpers/testbed.js';

describe('whiteouts and layer edge cases equal umoci unpack', { skip: hasCommand('umoci') ? undefined : 'umoci not installed' }, () => {
  it('a five-layer hand-written image', async () => {
    const layers = [
      await gzLayer([
        { name: 'usr/', type: 'directory' },
        { name: 'usr/lib/', type: 'directory' },
        { name: 'usr/lib/base.so', body: 'base' },
        { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
        { name: 'etc/', type: 'directory' },
        { name: 'etc/conf.d/', type: 'directory' },
        { name: 'etc/conf.d/a.conf', body: 'a' },
        { name: 'etc/conf.d/b.conf', body: 'b' },
        { name: 'opt/', type: 'directory' },
        { name: 'opt/tree/', type: 'directory' },
        { name: 'opt/tree/deep/', type: 'directory' },
        { name: 'opt/tree/deep/file', body: 'deep' },
        { name: 'var/', type: 'directory' },
        { name: 'var/was-file', body: 'file first' },
        { name: 'var/was-dir/', type: 'directory' },
        { name: 'var/was-dir/child', body: 'child' },
        { name: 'tmp/', type: 'directory', mode: 0o1777 },
        { name: 'usr/bin/', type: 'directory' },
        { name: 'usr/bin/su', body: 'setuid', mode: 0o4755 },
        { name: 'usr/bin/wall', body: 'setgid', mode: 0o2755 },
        { name: 'usr/bin/su-hardlink', type: 'link', linkname: 'usr/bin/su' },
        { name: 'dev/', type: 'directory' },
        { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
        { name: 'run/', type: 'directory' },
        { name: 'run/initctl', type: 'fifo', mode: 0o600 },
      ]),
      await gzLayer([
        // Written through the `lib` symlink: lands in usr/lib.
        { name: 'lib/through-link.so', body: 'via symlink' },
        // Opaque: conf.d's lower contents vanish, this layer's stay.
        { name: 'etc/conf.d/', type: 'directory' },
        { name: 'etc/conf.d/.wh..wh..opq', body: '' },
        { name: 'etc/conf.d/c.conf', body: 'c' },
        // A whole tree whited out.
        { name: 'opt/.wh.tree', body: '' },
        // Type changes.
        { name: 'var/was-file/', type: 'directory' },
        { name: 'var/was-file/now-inside', body: 'inside' },
        { name: 'var/was-dir', body: 'now a file' },
      ]),
      await gzLayer([
        { name: 'opt/tree/', type: 'directory', mode: 0o700 },
        { name: 'opt/tree/new', body: 'recreated after whiteout' },
        { name: 'usr/bin/.wh.wall', body: '' },
        { name: 'usr/lib/base.so', body: 'rewritten base, longer' },
      ]),
      await gzLayer([
        // Whiteout through the symlinked parent, and a chmod-only change.
        { name: 'lib/.wh.through-link.so', body: '' },
        { name: 'usr/bin/su', body: 'setuid', mode: 0o755 },
      ]),
      await gzLayer([
        { name: 'etc/conf.d/.wh.c.conf', body: '' },
        { name: 'etc/conf.d/d.conf', body: 'd' },
      ]),
    ];
    const layout = writeLayout(layers, { tag: 'edge' });
    const scratch = mkdtempSync(join(tmpdir(), 'plimsoll-umoci-'));
    try {
      const bundle = join(scratch, 'bundle');
      execFileSync('umoci', ['unpack', '--image', `${layout}:edge`, bundle], { stdio: 'ignore' });
      const expected = listRootfs(join(bundle, 'rootfs')).map((r) => (r.type === 'symlink' ? { ...r, mode: '-' } : r));

      const image = await openImage(`oci:${layout}:edge`);
      const rows = fileRows((await readImage(image)).fs)
        .map((r) => {
          const type = r.type === 'hardlink' ? 'file' : r.type;
          return {
            path: r.path,
            type,
            mode: r.type === 'symlink' ? '-' : r.mode,
            size: type === 'file' ? r.size : 0,
            ...(r.type === 'symlink' ? { linkTarget: r.linkTarget } : {}),
          };
        })
        .sort((a, b) => (a.path < b.path ? -1 : 1));
      assert.deepEqual(rows, expected);
      // And the layer attribution of a few paths.
      const byPath = new Map(fileRows((await readImage(image)).fs).map((r) => [r.path, r.layer.index]));
      assert.equal(byPath.get('usr/lib/base.so'), 2);
      assert.equal(byPath.get('etc/conf.d/d.conf'), 4);
      assert.equal(byPath.get('usr/bin/su'), 3);
      assert.equal(byPath.get('var/was-dir'), 1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      rmSync(layout, { recursive: true, force: true });
    }
  });
});
