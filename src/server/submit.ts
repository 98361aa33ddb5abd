// One image inventory matched and stored: a client's SBOM submission and a registry scan both end
// here, so an image scanned by the server is stored exactly as one a client sent.
import type { ServerContext } from './app.js';
import type { ServerMatch } from './matcher.js';
import type { ImageInventory, ImageRecord } from './store.js';

/** Undefined while there is no vulnerability database to match against. */
export async function submitInventory(
  ctx: ServerContext,
  project: string,
  inventory: ImageInventory,
): Promise<{ image: ImageRecord; match: ServerMatch } | undefined> {
  const match = ctx.database.match(inventory);
  if (!match) return undefined;
  const { image, events } = await ctx.store.saveImage(project, inventory, {
    vulnerabilities: match.vulnerabilities,
    at: new Date().toISOString(),
    dbBuiltAt: match.dbBuiltAt,
  });
  if (events.length > 0) void ctx.notify(events);
  return { image, match };
}
