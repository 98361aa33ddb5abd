// The applier over hand-made layer results: which findings survive, which layer introduced each
// package (one rule for every ecosystem), owned files, and the OS from the surviving release files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageFilesystem, IndexedFile } from '../../src/image/files.js';
import { byOwner, type Analyzer, type AnalyzerResult } from '../../src/inventory/analyzer.js';
import { applyLayers, type AppliedLayer } from '../../src/inventory/applier.js';
import { bodyFacts } from '../../src/inventory/facts.js';
import type { LayerRef } from '../../src/model/layer.js';
import type { Package } from '../../src/model/package.js';

const refs: LayerRef[] = [0, 1, 2, 3].map((index) => ({ index, digest: `sha256:${String(index).repeat(64)}` }));
const STATUS = 'var/lib/dpkg/status';

const deb = (name: string, version: string, layer = 0): Package => ({
  id: `deb:${name}@${version}:${STATUS}`,
  name,
  version,
  type: 'deb',
  purl: `pkg:deb/debian/${name}@${version}`,
  arch: 'amd64',
  locations: [{ path: STATUS, layer: refs[layer] as LayerRef }],
});

const pypi = (name: string, path: string): Package => ({
  id: `pypi:${name}@1:${path}`,
  name,
  version: '1',
  type: 'pypi',
  purl: `pkg:pypi/${name}@1`,
  locations: [{ path, layer: refs[0] as LayerRef }],
});

const os: Analyzer = { name: 'os', version: 1, ownsFiles: true, wants: () => false, analyze: () => Promise.reject(new Error('not run')) };
const lang: Analyzer = { name: 'lang', version: 1, wants: () => false, analyze: () => Promise.reject(new Error('not run')) };

interface Layer {
  results?: Record<string, AnalyzerResult>;
  osFiles?: Record<string, string>;
  /** Paths it wrote or deleted besides its results' files. */
  touches?: string[];
}

/** Applies `layers`; `writers` says which layer the merged view's entry for each path came from. */
function apply(layers: Layer[], writers: Record<string, number>) {
  const file = (path: string): IndexedFile | undefined => {
    const writer = writers[path];
    return writer === undefined ? undefined : { path, type: 'file', mode: 0o644, size: 1, layer: refs[writer] as LayerRef };
  };
  const fs = { get: file, resolve: file } as unknown as ImageFilesystem;
  const applied: AppliedLayer[] = layers.map((layer, i) => {
    const results = layer.results ?? {};
    const written = new Set([...(layer.touches ?? []), ...Object.values(results).flatMap((r) => r.packages.map((p) => p.locations[0]?.path ?? ''))]);
    return { ref: refs[i] as LayerRef, analysis: { analyzers: results, osFiles: layer.osFiles ?? {}, sources: [] }, touches: (path) => written.has(path) };
  });
  return applyLayers({ layers: applied, fs, facts: bodyFacts(fs), lastWriter: (path) => writers[path], analyzers: [os, lang] });
}

const found = (packages: Package[]): AnalyzerResult => ({ packages, warnings: [] });
const layerOf = (packages: Package[], name: string) => packages.find((p) => p.name === name)?.locations[0]?.layer.index;

describe('applier: which layer introduced a package', () => {
  it('a later rewrite of the database (a purge) leaves the packages it kept in the layers that installed them', () => {
    const { packages } = apply(
      [
        { results: { os: found([deb('a', '1'), deb('b', '1')]) } },
        { results: { os: found([deb('a', '1', 1), deb('b', '1', 1), deb('c', '1', 1)]) } },
        { results: { os: found([deb('a', '1', 2), deb('c', '1', 2)]) } },
      ],
      { [STATUS]: 2 },
    );
    assert.deepEqual(
      packages.map((p) => [p.name, p.locations[0]?.layer.index]),
      [
        ['a', 0],
        ['c', 1],
      ],
    );
    assert.equal(packages[0]?.locations[0]?.layer.digest, refs[0]?.digest);
  });

  it('an upgrade is introduced by the layer that upgraded it', () => {
    const { packages } = apply([{ results: { os: found([deb('a', '1')]) } }, { results: { os: found([deb('a', '2', 1)]) } }], { [STATUS]: 1 });
    assert.equal(layerOf(packages, 'a'), 1);
  });

  it('a package removed and installed again belongs to the layer that installed it again', () => {
    const { packages } = apply(
      [
        { results: { os: found([deb('a', '1'), deb('b', '1')]) } },
        { results: { os: found([deb('b', '1', 1)]) } },
        { results: { os: found([deb('a', '1', 2), deb('b', '1', 2)]) } },
      ],
      { [STATUS]: 2 },
    );
    assert.equal(layerOf(packages, 'a'), 2);
    assert.equal(layerOf(packages, 'b'), 0);
  });

  it('layers that did not touch the file are passed over; one that deleted it breaks the run', () => {
    const passed = apply([{ results: { os: found([deb('a', '1')]) } }, {}, { results: { os: found([deb('a', '1', 2)]) } }], { [STATUS]: 2 });
    assert.equal(layerOf(passed.packages, 'a'), 0);
    const deleted = apply([{ results: { os: found([deb('a', '1')]) } }, { touches: [STATUS] }, { results: { os: found([deb('a', '1', 2)]) } }], {
      [STATUS]: 2,
    });
    assert.equal(layerOf(deleted.packages, 'a'), 2);
  });
});

describe('applier: whiteouts and rewrites apply to packages as to files', () => {
  it('a deleted source file takes its packages and warnings with it', () => {
    const { packages, warnings } = apply(
      [{ results: { lang: { packages: [pypi('x', 'app/requirements.txt')], warnings: [{ path: 'app/requirements.txt', message: 'odd line' }] } } }],
      {},
    );
    assert.deepEqual(packages, []);
    assert.deepEqual(warnings, []);
  });

  it('a rewrite that yields nothing replaces what the lower layer found', () => {
    const { packages } = apply([{ results: { lang: found([pypi('x', 'app/requirements.txt')]) } }, { touches: ['app/requirements.txt'] }], {
      'app/requirements.txt': 1,
    });
    assert.deepEqual(packages, []);
  });
});

describe('applier: files OS packages own', () => {
  const metadata = 'usr/lib/python3/dist-packages/x-1.dist-info/METADATA';
  const lock = 'usr/share/doc/y/requirements.txt';

  it('installed metadata becomes the owner’s languagePurl, an owned lock file is dropped', () => {
    const { packages } = apply(
      [
        {
          results: {
            os: { ...found([deb('python3-x', '1')]), ownedFiles: { [deb('python3-x', '1').id]: [metadata, lock] } },
            lang: { ...found([pypi('x', metadata), pypi('y', lock)]), identityFiles: [metadata] },
          },
        },
      ],
      { [STATUS]: 0, [metadata]: 0, [lock]: 0 },
    );
    assert.deepEqual(
      packages.map((p) => p.name),
      ['python3-x'],
    );
    assert.deepEqual(packages[0]?.metadata, { languagePurl: 'pkg:pypi/x@1' });
  });

  it('files of an owner that did not survive are not owned', () => {
    const { packages } = apply(
      [
        { results: { os: { ...found([deb('python3-x', '1')]), ownedFiles: { [deb('python3-x', '1').id]: [metadata] } } } },
        { results: { os: found([]), lang: { ...found([pypi('x', metadata)]), identityFiles: [metadata] } } },
      ],
      { [STATUS]: 1, [metadata]: 1 },
    );
    assert.deepEqual(
      packages.map((p) => p.name),
      ['x'],
    );
  });
});

describe('owned files grouped by owner', () => {
  it('puts each path under the owner that wrote it last, as the path → owner map the database gave', () => {
    assert.deepEqual(byOwner({ etc: 'deb:b', 'etc/a': 'deb:a', 'etc/b': 'deb:b', usr: 'deb:a' }), { 'deb:b': ['etc', 'etc/b'], 'deb:a': ['etc/a', 'usr'] });
  });
});

describe('applier: the OS', () => {
  it('is detected from the release files that survived, each read from the layer that wrote it', () => {
    const release = (version: string) => `ID=debian\nVERSION_ID="${version}"\nPRETTY_NAME="Debian ${version}"\n`;
    const { os: found } = apply([{ osFiles: { 'etc/os-release': release('11') } }, { osFiles: { 'etc/os-release': release('12') } }], { 'etc/os-release': 1 });
    assert.equal(found?.family, 'debian');
    assert.equal(found?.version, '12');
  });
});
