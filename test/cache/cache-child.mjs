// A second process using the layer cache, from the built module (`npm run build` first): the
// concurrent-writer test runs two of these at once, the read-only test runs one as another user.
// argv: dist module, dir, mode (write|read), prefix, count. Prints one JSON line: warnings, and hits.
import { pathToFileURL } from 'node:url';

const [modulePath, dir, mode, prefix, count] = process.argv.slice(2);
const { LayerCache } = await import(pathToFileURL(modulePath).href);
const warnings = [];
const cache = LayerCache.open({ dir, onWarning: (m) => warnings.push(m) });
let hits = 0;
for (let i = 0; i < Number(count); i++) {
  const key = `${prefix}-${i}`;
  if (mode === 'write') cache.put(key, Buffer.from(`value of ${key} `.repeat(50)));
  // Both writers also touch a shared key, so they contend for the same rows.
  if (mode === 'write') cache.put('shared', Buffer.from(`${prefix} ${i}`));
  if (cache.get(key)?.toString().startsWith(`value of ${key} `)) hits++;
}
cache.close();
process.stdout.write(`${JSON.stringify({ warnings, hits })}\n`);
