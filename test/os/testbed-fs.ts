// One merged filesystem per testbed image, built once per test process and shared by the tests.
import type { FileInfo, ImageFilesystem } from '../../src/image/files.js';
import { osFilesWanted } from '../../src/inventory/distro.js';
import { apkAnalyzer } from '../../src/inventory/os/apk.js';
import { dpkgAnalyzer } from '../../src/inventory/os/dpkg.js';
import type { AnalyzerContext } from '../../src/inventory/analyzer.js';
import { detectOs } from '../../src/inventory/distro.js';
import type { Inventory } from '../../src/model/inventory.js';
import { fsFromLayout } from './fs-from-layout.js';
import type { TestbedImage } from './truth.js';

const wanted = (info: FileInfo): boolean => osFilesWanted(info) || dpkgAnalyzer.wants(info) || apkAnalyzer.wants(info);
const cache = new Map<string, Promise<ImageFilesystem>>();

export function testbedFs(image: TestbedImage): Promise<ImageFilesystem> {
  let fs = cache.get(image.name);
  if (!fs) {
    fs = fsFromLayout(image.layout, image.tag, wanted, image.arch);
    cache.set(image.name, fs);
  }
  return fs;
}

/** Detection plus both OS analyzers over a filesystem, as the pipeline will run them. */
export async function osInventory(fs: ImageFilesystem, ref: string): Promise<{ inventory: Inventory; ctx: AnalyzerContext }> {
  const os = detectOs(fs);
  const ctx: AnalyzerContext = { fs, ...(os ? { os } : {}), ownedFiles: new Set() };
  const inventory: Inventory = { artifact: { ref }, ...(os ? { os } : {}), packages: [], warnings: [] };
  for (const analyzer of [dpkgAnalyzer, apkAnalyzer]) {
    const result = await analyzer.analyze(ctx);
    inventory.packages.push(...result.packages);
    inventory.warnings.push(...result.warnings);
  }
  return { inventory, ctx };
}
