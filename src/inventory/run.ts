import { errorMessage } from '../errors.js';
import type { LayerCache } from '../cache/layer-cache.js';
import type { FileRequest } from '../image/files.js';
import { readImage, type ImageContents, type ReadImageOptions } from '../image/scan.js';
import type { ResolvedImage } from '../image/types.js';
import type { Package } from '../model/package.js';
import type { ScanWarning } from '../model/warning.js';
import type { Analyzer, AnalyzerContext, ArtifactIndex } from './analyzer.js';
import { ALL_ANALYZERS } from './analyzers.js';
import { detectOs, osFilesWanted } from './distro.js';
import type { OsInfo } from '../model/os.js';

export interface InventoryResult {
  contents: ImageContents;
  os?: OsInfo;
  packages: Package[];
  warnings: ScanWarning[];
}

/** The file requests of OS detection and of each analyzer, for one pass over the layers. */
export function fileRequests(analyzers: readonly Analyzer[]): FileRequest[] {
  return [
    { name: 'os-release', wants: osFilesWanted },
    ...analyzers.map((a) => ({ name: a.name, wants: a.wants.bind(a), ...(a.maxFileSize ? { maxFileSize: a.maxFileSize } : {}), ...(a.reduce ? { reduce: a.reduce } : {}) })),
  ];
}

/**
 * Runs analyzers over a merged filesystem in order: OS package analyzers come
 * first in the list, so the files they own are known before the language
 * analyzers look. A failing analyzer becomes a warning, never a lost scan.
 */
export async function runAnalyzers(ctx: AnalyzerContext, analyzers: readonly Analyzer[]): Promise<{ packages: Package[]; warnings: ScanWarning[] }> {
  const packages: Package[] = [];
  const warnings: ScanWarning[] = [];
  const shared: AnalyzerContext = { ...ctx, packages };
  for (const analyzer of analyzers) {
    try {
      const result = await analyzer.analyze(shared);
      packages.push(...result.packages);
      warnings.push(...result.warnings);
    } catch (err) {
      warnings.push({ message: `${analyzer.name} analyzer failed: ${errorMessage(err)}` });
    }
  }
  return { packages, warnings };
}

/** Reads the image once and inventories it: OS, OS packages, then application packages. The caller closes `contents`. */
export async function inventoryImage(
  image: ResolvedImage,
  options: Omit<ReadImageOptions, 'requests'> & { analyzers?: readonly Analyzer[]; extraRequests?: readonly FileRequest[]; artifactIndex?: ArtifactIndex; cache?: LayerCache } = {},
): Promise<InventoryResult> {
  const analyzers = options.analyzers ?? ALL_ANALYZERS;
  // Later stages (hardening) add their requests so the layers are still read only once.
  const contents = await readImage(image, { ...options, requests: [...fileRequests(analyzers), ...(options.extraRequests ?? [])] });
  try {
    const os = detectOs(contents.fs);
    const ctx: AnalyzerContext = { fs: contents.fs, ownedFiles: new Map(), ...(os ? { os } : {}), ...(options.artifactIndex ? { artifactIndex: options.artifactIndex } : {}) };
    const { packages, warnings } = await runAnalyzers(ctx, analyzers);
    return { contents, ...(os ? { os } : {}), packages, warnings: [...contents.fs.warnings, ...warnings] };
  } catch (err) {
    contents.close();
    throw err;
  }
}
