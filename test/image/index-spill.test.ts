// The merged view's index moves from memory to SQLite past a number of nodes: forced here after a few
// nodes, in the middle of a layer, the merged view must be exactly the one that never moved.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerRef } from '../../src/model/layer.js';
import type { LayerContent, LayerEntry } from '../../src/image/layer-reader.js';
import { MergedFilesystem } from '../../src/image/merged-fs.js';

const LOWER: LayerRef = { index: 0, digest: `sha256:${'0'.repeat(64)}` };
const UPPER: LayerRef = { index: 1, digest: `sha256:${'1'.repeat(64)}` };

const file = (path: string, text: string, extra: Partial<LayerEntry> = {}): LayerEntry => ({
  path,
  type: 'file',
  mode: 0o644,
  size: text.length,
  uid: 0,
  gid: 0,
  body: Buffer.from(text),
  ...extra,
});
const link = (path: string, linkTarget: string): LayerEntry => ({ path, type: 'symlink', mode: 0o777, size: 0, linkTarget });
const layer = (ref: LayerRef, entries: LayerEntry[], whiteouts: string[] = [], opaqueDirs: string[] = []): LayerContent => ({
  ref,
  entries,
  whiteouts,
  opaqueDirs,
  compression: 'none',
  tarBytes: 0,
  warnings: [],
});

const layers: LayerContent[] = [
  layer(LOWER, [
    { path: 'etc', type: 'dir', mode: 0o755, size: 0 },
    file('etc/os-release', 'ID=debian\n'),
    file('etc/passwd', 'root:x:0:0\n', { uid: 4294967295 }),
    // Names whose UTF-16 order differs from UTF-8 byte order: a surrogate pair sorts after U+FFFD in bytes.
    file('names/\u{1F600}', 'emoji'),
    file('names/\uFFFD', 'replacement'),
    file('names/a', 'a'),
    file('names/B', 'B'),
    file('usr/lib/os-release', 'ID=debian\nVERSION_ID=12\n'),
    link('lib', 'usr/lib'),
    file('lib/x/libc.so', 'ELF'),
    file('opt/app/old', 'gone after the opaque marker'),
    file('opt/app/deep/er', 'also gone'),
    file('var/lib/dpkg/status', 'Package: a\n'),
    { path: 'var/lib/dpkg/status-hard', type: 'hardlink', mode: 0, size: 0, linkTarget: 'var/lib/dpkg/status' },
    { path: 'bin/sh-hard', type: 'hardlink', mode: 0, size: 0, linkTarget: 'missing/file' },
    file('tmp/a/b/c', 'deleted by a whiteout'),
    link('loop1', 'loop2'),
    link('loop2', 'loop1'),
    file('loop1/x', 'below a loop'),
    { path: 'dev/null', type: 'char', mode: 0o666, size: 0 },
    // A walk puts `order/a`'s subtree before `order/a-b` and `order/a.b`, which plain string order of the paths would not.
    file('order/a-b', 'x', { mode: 0o4755 }),
    file('order/a/b', 'x', { mode: 0o4755 }),
    file('order/a.b', 'x', { mode: 0o2755 }),
    file('order/A', 'x'),
  ]),
  layer(
    UPPER,
    [
      file('opt/app/new', 'after the opaque marker'),
      file('etc/passwd', 'root:x:0:0\nuser:x:1000:1000\n', { uid: 1000, gid: 1000 }),
      { path: 'usr/lib/x', type: 'file', mode: 0o600, size: 1 },
      file('var/lib/dpkg/status', 'Package: b\n'),
      link('etc/alternatives', '../usr/lib'),
    ],
    ['tmp/a', 'names/B', 'lib/x/nothing-here'],
    ['opt/app'],
  ),
];

function merged(spillAt?: number): MergedFilesystem {
  const fs = spillAt === undefined ? new MergedFilesystem(LOWER) : new MergedFilesystem(LOWER, spillAt);
  for (const l of layers) fs.apply(l);
  return fs;
}

const PATHS = [
  'etc/os-release',
  'lib/os-release',
  'lib/x',
  'etc/alternatives/os-release',
  'var/lib/dpkg/status-hard',
  'loop1/x',
  'opt/app/old',
  'names/B',
  'tmp/a/b/c',
];

function view(fs: MergedFilesystem): unknown {
  return {
    entries: [...fs.entries()],
    got: PATHS.map((p) => fs.get(p)),
    resolved: PATHS.map((p) => fs.resolve(p)),
    realPaths: PATHS.map((p) => fs.realPath(p)),
    read: PATHS.map((p) => fs.read(p)?.body.toString()),
    captured: fs.captured().map((f) => [f.path, f.body.toString()]),
    aliases: fs.bodiesWantedThroughLinks(
      (info) => (info.path.endsWith('os-release') ? info.path : undefined),
      (info) => info.path.endsWith('os-release'),
    ),
    landsOn: fs.landsOn('lib/x/new'),
    setuid: fs.withMode((type, mode) => type === 'file' && (mode & 0o6000) !== 0),
    below: [...fs.entries('order')],
    belowLink: [...fs.entries('lib')],
    warnings: fs.warnings,
  };
}

describe('the merged view index moving from memory to SQLite', () => {
  it('gives the same view when it moves in the middle of the first layer as when it stays in memory', () => {
    const inMemory = merged();
    assert.equal(inMemory.indexSpilled, false);
    const names = [...inMemory.entries()].filter((f) => f.path.startsWith('names/')).map((f) => f.path);
    assert.deepEqual(names, ['names/a', 'names/\uFFFD', 'names/\u{1F600}'], 'UTF-8 byte order in memory too');
    for (const spillAt of [1, 5, 12, 30]) {
      const spilled = merged(spillAt);
      assert.equal(spilled.indexSpilled, true, `spilled at ${spillAt}`);
      assert.deepEqual(view(spilled), view(inMemory), `spilled at ${spillAt}`);
    }
  });

  it('gives the path resolve leads to as the real path (through symlinked directories and links to links), before and after the move', () => {
    const asked = [...PATHS, '', 'missing', 'etc/alternatives'];
    for (const fs of [merged(), merged(5)]) {
      const real = asked.map((p) => fs.realPath(p));
      assert.deepEqual(
        real,
        asked.map((p) => fs.resolve(p)?.path),
      );
      assert.ok(real.filter((p, i) => p !== undefined && p !== PATHS[i]).length >= 2, 'some paths lead elsewhere');
    }
  });

  it('picks entries by type and mode in the order of a walk, before and after the move', () => {
    for (const fs of [merged(), merged(12)]) {
      assert.deepEqual(
        fs.withMode(() => true),
        [...fs.entries()],
      );
      assert.deepEqual(
        fs.withMode((type, mode) => type === 'file' && (mode & 0o6000) !== 0).map((f) => f.path),
        ['order/a/b', 'order/a-b', 'order/a.b'],
      );
      assert.deepEqual(
        [...fs.entries('order')].map((f) => f.path),
        ['order/A', 'order/a', 'order/a/b', 'order/a-b', 'order/a.b'],
      );
      assert.deepEqual([...fs.entries('lib')], [], 'a symlinked directory is not walked below');
    }
  });

  it('drops what a whiteout, an opaque marker and a replacement deleted before or after the move', () => {
    const fs = merged(12);
    const paths = [...fs.entries()].map((f) => f.path);
    for (const gone of ['tmp/a', 'tmp/a/b/c', 'opt/app/old', 'opt/app/deep', 'names/B', 'usr/lib/x/libc.so']) assert.ok(!paths.includes(gone), gone);
    assert.deepEqual(
      fs
        .captured()
        .map((f) => f.path)
        .filter((p) => p.startsWith('var/')),
      ['var/lib/dpkg/status', 'var/lib/dpkg/status-hard'],
    );
    assert.equal(fs.read('var/lib/dpkg/status')?.body.toString(), 'Package: b\n');
    assert.equal(fs.read('var/lib/dpkg/status-hard')?.body.toString(), 'Package: a\n');
  });
});
