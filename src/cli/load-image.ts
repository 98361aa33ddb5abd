import { openImage } from '../image/open.js';
import { readImage, type ImageContents } from '../image/scan.js';
import type { FileRequest } from '../image/files.js';
import type { ResolvedImage } from '../image/types.js';
import { downloadBar, parseByteSize, sourceOptions, type ImageCliOptions } from './image-options.js';

/** Opens the reference and reads all its layers, with progress on a terminal. */
export async function loadImage(ref: string, opts: ImageCliOptions, requests: readonly FileRequest[] = []): Promise<{ image: ResolvedImage; contents: ImageContents }> {
  const bar = downloadBar(opts);
  const maxLayerSize = parseByteSize(opts.maxLayerSize ?? '10GiB', '--max-layer-size');
  const image = await openImage(ref, await sourceOptions(opts, bar));
  try {
    const contents = await readImage(image, { requests, maxLayerSize });
    return { image, contents };
  } finally {
    bar?.finish();
    await image.close();
  }
}
