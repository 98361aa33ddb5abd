// What the layer-cache tests share: counting the layers a scan opens, counting the blobs a registry
// serves, and running one scan with no cache, a cold cache and a warm one, which must give the same JSON.
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { LayerCache } from '../../src/cache/layer-cache.js';
import type { ResolvedImage } from '../../src/image/types.js';

/** The layers opened from now on, by index, once per opening (a layer the cache serves is never opened). */
export function countOpens(image: ResolvedImage): () => number[] {
  const opened: number[] = [];
  image.layers.forEach((layer, index) => {
    const open = layer.open.bind(layer);
    layer.open = () => {
      opened.push(index);
      return open();
    };
  });
  return () => [...opened];
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

/** A loopback proxy in front of a registry (`host:port`) that notes the URL of every blob asked of it. */
export async function blobCountingProxy(registry: string): Promise<{ port: number; blobs: string[]; close: () => void }> {
  const [host, port] = registry.split(':');
  const blobs: string[] = [];
  const proxy = createServer((req, res) => {
    if (/\/blobs\/sha256:/.test(req.url ?? '')) blobs.push(req.url ?? '');
    const upstream = request({ host, port: Number(port), path: req.url, method: req.method, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  return { port: typeof address === 'object' && address ? address.port : 0, blobs, close: () => proxy.close() };
}
