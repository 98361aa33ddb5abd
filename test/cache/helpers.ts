// What the layer-cache tests share: counting the layers a scan opens, and running one scan with no
// cache, a cold cache and a warm one, which must give the same JSON.
import assert from 'node:assert/strict';
import type { LayerCache } from '../../src/cache/layer-cache.js';
import type { ResolvedImage } from '../../src/image/types.js';

/** Counts the layers opened from now on (a layer the cache serves is never opened). */
export function countOpens(image: ResolvedImage): () => number {
  let opened = 0;
  for (const layer of image.layers) {
    const open = layer.open.bind(layer);
    layer.open = () => {
      opened++;
      return open();
    };
  }
  return () => opened;
}

/** `run` with no cache, then twice with `cache` (cold, then warm); cold and warm must equal the uncached JSON. */
export async function noneColdWarm<T extends { json: string }>(
  what: string,
  cache: LayerCache,
  run: (cache?: LayerCache) => Promise<T>,
): Promise<{ none: T; cold: T; warm: T }> {
  const none = await run();
  const cold = await run(cache);
  const warm = await run(cache);
  assert.equal(cold.json, none.json, `${what} cold`);
  assert.equal(warm.json, none.json, `${what} warm`);
  return { none, cold, warm };
}
