// One merged filesystem per testbed image, read once per test process through the project's own
// image reader (source, layers, whiteouts, file index) and shared by the tests.
import type { ImageFilesystem } from '../../src/image/files.js';
import { openImage } from '../../src/image/open.js';
import { readImage } from '../../src/image/scan.js';
import { apkAnalyzer } from '../../src/inventory/os/apk.js';
import { dpkgAnalyzer } from '../../src/inventory/os/dpkg.js';
import { analyzeFilesystem, fileRequests } from '../../src/inventory/run.js';
import type { Inventory } from '../../src/model/inventory.js';
import type { TestbedImage } from './truth.js';

const cache = new Map<string, Promise<ImageFilesystem>>();

async function load(image: TestbedImage): Promise<ImageFilesystem> {
  const resolved = await openImage(`oci:${image.layout}:${image.tag}`, { platform: { os: 'linux', architecture: image.arch } });
  try {
    return (await readImage(resolved, { requests: fileRequests([dpkgAnalyzer, apkAnalyzer]) })).fs;
  } finally {
    await resolved.close();
  }
}

export function testbedFs(image: TestbedImage): Promise<ImageFilesystem> {
  let fs = cache.get(image.name);
  if (!fs) {
    fs = load(image);
    cache.set(image.name, fs);
  }
  return fs;
}

/** Detection plus both OS analyzers over a filesystem (as one layer), as the pipeline runs them. */
export async function osInventory(fs: ImageFilesystem, ref: string): Promise<{ inventory: Inventory }> {
  const { os, packages, warnings } = await analyzeFilesystem(fs, [dpkgAnalyzer, apkAnalyzer]);
  return { inventory: { artifact: { ref }, ...(os ? { os } : {}), packages, warnings } };
}
