// One merged filesystem per testbed image, read once per test process through the project's own
// image reader (source, layers, whiteouts, file index) and shared by the tests.
import type { ImageFilesystem } from '../../src/image/files.js';
import { openImage } from '../../src/image/open.js';
import { readImage } from '../../src/image/scan.js';
import type { AnalyzerContext } from '../../src/inventory/analyzer.js';
import { detectOs } from '../../src/inventory/distro.js';
import { apkAnalyzer } from '../../src/ecosystems/apk/apk.js';
import { dpkgAnalyzer } from '../../src/ecosystems/deb/dpkg.js';
import { fileRequests } from '../../src/inventory/run.js';
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

/** Detection plus both OS analyzers over a filesystem, as the pipeline runs them. */
export async function osInventory(fs: ImageFilesystem, ref: string): Promise<{ inventory: Inventory; ctx: AnalyzerContext }> {
  const os = detectOs(fs);
  const ctx: AnalyzerContext = { fs, ...(os ? { os } : {}), ownedFiles: new Map() };
  const inventory: Inventory = { artifact: { ref }, ...(os ? { os } : {}), packages: [], warnings: [] };
  for (const analyzer of [dpkgAnalyzer, apkAnalyzer]) {
    const result = await analyzer.analyze(ctx);
    inventory.packages.push(...result.packages);
    inventory.warnings.push(...result.warnings);
  }
  return { inventory, ctx };
}
