// The layer cache inside the per-layer pipeline: on every testbed image an inventory with no cache, with
// a cold one and with a warm one are the same; a warm image is not read (its layers are not even opened,
// and from a registry not downloaded), nor is a cached base under new layers; a damaged record is a
// warning and the layer is read again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CACHE_FILE, LayerCache } from '../../src/cache/layer-cache.js';
import { openImage } from '../../src/image/open.js';
import { inventoryImage } from '../../src/inventory/run.js';
import { TESTBED_IMAGES } from '../helpers/truth.js';
import { needRegistry, needTestbed, registryEnv } from '../helpers/testbed.js';
import { blobCountingProxy, countOpens, noneColdWarm } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'plimsoll-cache-pipeline-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The inventory as JSON, and how many layers it opened. */
async function inventory(ref: string, cache?: LayerCache): Promise<{ json: string; opened: number[]; warnings: string[] }> {
  const image = await openImage(ref);
  const opened = countOpens(image);
  try {
    const result = await inventoryImage(image, cache ? { cache } : {});
    result.contents.close();
    return {
      json: JSON.stringify({ os: result.os, packages: result.packages, warnings: result.warnings }),
      opened: opened(),
      warnings: result.warnings.map((w) => w.message),
    };
  } finally {
    await image.close();
  }
}

describe('layer cache in the pipeline', { skip: needTestbed() }, () => {
  it('every testbed image: no cache, a cold cache and a warm one give the same inventory; a warm one opens no layer', async () => {
    const cache = LayerCache.open({ dir: join(root, 'testbed') });
    try {
      for (const img of TESTBED_IMAGES) {
        const ref = `oci:${img.layout}:${img.tag}`;
        const { warm } = await noneColdWarm(img.name, cache, (c) => inventory(ref, c));
        // npm's final pass reads debian-app's manifests' facts from the records.
        assert.deepEqual(warm.opened, [], img.name);
      }
    } finally {
      cache.close();
    }
  });

  it('an image whose base layer another image cached reads only its own layers, with the same inventory', async () => {
    const cache = LayerCache.open({ dir: join(root, 'shared-base') });
    const layout = (name: string): string => {
      const img = TESTBED_IMAGES.find((i) => i.name === name);
      return `oci:${img?.layout ?? ''}:${img?.tag ?? ''}`;
    };
    try {
      const none = await inventory(layout('debian-app'));
      await inventory(layout('debian-bookworm'), cache);
      const partial = await inventory(layout('debian-app'), cache);
      assert.equal(partial.json, none.json);
      assert.deepEqual(partial.opened, [1, 2, 3]);
    } finally {
      cache.close();
    }
  });

  for (const damage of ['stored bytes', 'record']) {
    it(`a damaged ${damage} is a warning, and the layer is read again with the same result`, async () => {
      const dir = join(root, `damaged-${damage.replace(' ', '-')}`);
      const ref = `oci:${join(TESTBED_IMAGES[0]?.layout ?? '')}:${TESTBED_IMAGES[0]?.tag ?? ''}`;
      const cache = LayerCache.open({ dir });
      const none = await inventory(ref);
      await inventory(ref, cache);
      cache.close();
      const db = new Database(join(dir, CACHE_FILE));
      const keys = db.prepare('SELECT key FROM layers').pluck().all() as string[];
      // The cache's own bytes (it warns), or a record it stores well that is not a layer's record (the pipeline warns).
      // Zeros, not random bytes: brotli has no checksum, and about 1 random value in 25 decodes (to a record the pipeline then refuses).
      if (damage === 'stored bytes') db.prepare('UPDATE layers SET value = zeroblob(length(value))').run();
      db.close();
      const cacheWarnings: string[] = [];
      const again = LayerCache.open({ dir, onWarning: (m) => cacheWarnings.push(m) });
      if (damage === 'record') for (const key of keys) again.put(key, Buffer.from('PLL\x01 not a record', 'latin1'));
      try {
        const damaged = await inventory(ref, again);
        assert.ok(damaged.opened.length > 0);
        if (damage === 'record') assert.match(damaged.warnings[0] ?? '', /^layer (cache record|listing) of sha256:[0-9a-f]{64}: .*; the layer is read again$/);
        else assert.ok(cacheWarnings.length > 0, 'the cache says its file is damaged');
        assert.equal(JSON.stringify({ ...JSON.parse(damaged.json), warnings: [] }), JSON.stringify({ ...JSON.parse(none.json), warnings: [] }));
        // The record was written again: the next scan reads nothing.
        assert.deepEqual((await inventory(ref, again)).opened, []);
      } finally {
        again.close();
      }
    });
  }
});

describe('layer cache and a registry', { skip: needRegistry() }, () => {
  it('a warm scan of a registry image downloads no layer blob (requests counted at a loopback proxy)', async () => {
    const proxy = await blobCountingProxy(registryEnv()?.anon ?? '');
    const blobs = proxy.blobs;
    const ref = `docker://127.0.0.1:${proxy.port}/testbed/alpine-3.20:3.20.3`;
    const cache = LayerCache.open({ dir: join(root, 'registry') });
    try {
      const cold = await inventory(ref, cache);
      const coldBlobs = blobs.splice(0);
      const warm = await inventory(ref, cache);
      assert.equal(warm.json, cold.json);
      assert.ok(coldBlobs.length >= 2, 'the cold scan fetched the config and the layer');
      // The config blob is still fetched (it names the layers' diff IDs); no layer blob is.
      assert.equal(blobs.length, 1, blobs.join(' '));
      assert.deepEqual(warm.opened, []);
    } finally {
      cache.close();
      proxy.close();
    }
  });
});
