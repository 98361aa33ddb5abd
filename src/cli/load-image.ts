import { openImage } from '../image/open.js';
import { readImage, type ImageContents } from '../image/scan.js';
import type { ResolvedImage } from '../image/types.js';
import { inventoryImage, type InventoryResult } from '../inventory/run.js';
import type { Report } from '../report/report.js';
import { buildReport } from '../report/report.js';
import { scanResolved, type ScanOptions, type ScanResult } from '../scan.js';
import { downloadBar, parseByteSize, sourceOptions, type ImageCliOptions } from './image-options.js';

/**
 * Opens the reference, runs `work` on it with progress on a terminal, and
 * always releases the source.
 */
async function withImage<T>(ref: string, opts: ImageCliOptions, work: (image: ResolvedImage, maxLayerSize: number) => Promise<T>): Promise<{ image: ResolvedImage } & T> {
  const bar = downloadBar(opts);
  const maxLayerSize = parseByteSize(opts.maxLayerSize ?? '10GiB', '--max-layer-size');
  const image = await openImage(ref, await sourceOptions(opts, bar));
  if (image.transport === 'docker') bar?.expect(image.layers);
  try {
    return { image, ...(await work(image, maxLayerSize)) };
  } finally {
    bar?.finish();
    await image.close();
  }
}

/** Reads every layer into the merged view (no analyzers). */
export function loadImage(ref: string, opts: ImageCliOptions): Promise<{ image: ResolvedImage; contents: ImageContents }> {
  return withImage(ref, opts, async (image, maxLayerSize) => ({ contents: await readImage(image, { maxLayerSize }) }));
}

/** Reads every layer once and inventories the image. */
export function loadInventory(ref: string, opts: ImageCliOptions): Promise<{ image: ResolvedImage; inventory: InventoryResult }> {
  return withImage(ref, opts, async (image, maxLayerSize) => ({ inventory: await inventoryImage(image, { maxLayerSize }) }));
}

/** The whole scan of `plimsoll image`: the report, and what it was built from (for the other formats). */
export function loadScan(ref: string, opts: ImageCliOptions, options: ScanOptions): Promise<{ image: ResolvedImage; report: Report; scan: ScanResult }> {
  return withImage(ref, opts, async (image, maxLayerSize) => {
    const scan = await scanResolved(image, { ...options, maxLayerSize });
    return { scan, report: buildReport(image, scan) };
  });
}
