import { openImage } from '../image/open.js';
import { readImage, type ImageContents, type ReadImageOptions } from '../image/scan.js';
import type { ResolvedImage } from '../image/types.js';
import { inventoryImage, type InventoryResult } from '../inventory/run.js';
import type { Report } from '../report/report.js';
import { buildReport } from '../report/report.js';
import type { ScanOptions, ScanResult } from '../scan.js';
import { pathSkipper, type SkipPaths } from '../skip-paths.js';
import { parseByteSize, type CacheCliOptions, type ImageCliOptions } from './image-options.js';
import { openCliCache } from './layer-cache.js';
import { downloadBar, sourceOptions } from './source-options.js';
import { imageReference } from './input.js';

/** How layers are read: the bomb guard, and what --skip-dirs and --skip-files leave out. */
type Reading = Pick<ReadImageOptions, 'skip'> & { maxLayerSize: number };

function skipPaths(opts: ImageCliOptions): SkipPaths {
  return { ...(opts.skipDirs ? { dirs: opts.skipDirs } : {}), ...(opts.skipFiles ? { files: opts.skipFiles } : {}) };
}

/**
 * Opens the reference (or --input), runs `work` on it with progress on a terminal, and
 * always releases the source.
 */
async function withImage<T>(
  ref: string | undefined,
  opts: ImageCliOptions,
  work: (image: ResolvedImage, reading: Reading) => Promise<T>,
): Promise<{ image: ResolvedImage } & T> {
  const bar = downloadBar(opts);
  const maxLayerSize = parseByteSize(opts.maxLayerSize ?? '10GiB', '--max-layer-size');
  // A bad pattern is refused before anything is opened.
  const skip = pathSkipper(skipPaths(opts));
  const image = await openImage(await imageReference(ref, opts.input), await sourceOptions(opts, bar));
  if (image.transport === 'docker') bar?.expect(image.layers);
  try {
    return { image, ...(await work(image, { maxLayerSize, ...(skip ? { skip } : {}) })) };
  } finally {
    bar?.finish();
    await image.close();
  }
}

/** Reads every layer into the merged view (no analyzers). */
export function loadImage(ref: string | undefined, opts: ImageCliOptions): Promise<{ image: ResolvedImage; contents: ImageContents }> {
  return withImage(ref, opts, async (image, reading) => ({ contents: await readImage(image, reading) }));
}

/** Reads every layer once (or takes it from the layer cache) and inventories the image. */
export async function loadInventory(
  ref: string | undefined,
  opts: ImageCliOptions & CacheCliOptions,
): Promise<{ image: ResolvedImage; inventory: InventoryResult }> {
  const cache = openCliCache(opts);
  try {
    return await withImage(ref, opts, async (image, reading) => ({ inventory: await inventoryImage(image, { ...reading, ...(cache ? { cache } : {}) }) }));
  } finally {
    cache?.close();
  }
}

/** The whole scan of `plimsoll image`: the report, and what it was built from (for the other formats). */
export async function loadScan(
  ref: string | undefined,
  opts: ImageCliOptions & CacheCliOptions,
  options: ScanOptions,
): Promise<{ image: ResolvedImage; report: Report; scan: ScanResult }> {
  const cache = openCliCache(opts);
  try {
    return await withImage(ref, opts, async (image, { maxLayerSize }) => {
      // Imported here: the matcher, hardening and policy are not needed by `sbom` and `files`.
      const { scanResolved } = await import('../scan.js');
      const scan = await scanResolved(image, { ...options, maxLayerSize, skip: skipPaths(opts), ...(cache ? { cache } : {}) });
      return { scan, report: buildReport(image, scan) };
    });
  } finally {
    cache?.close();
  }
}
