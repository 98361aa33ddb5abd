import { errorMessage } from '../errors.js';
import type { FileRequest, ImageFilesystem } from '../image/files.js';
import type { LayerContent } from '../image/layer-reader.js';
import type { MergedFilesystem } from '../image/merged-fs.js';
import { readImage, type ImageContents, type ReadImageOptions } from '../image/scan.js';
import type { ResolvedImage } from '../image/types.js';
import type { Package, ScanWarning } from '../model/package.js';
import type { Analyzer, AnalyzerResult, ArtifactIndex, LayerFilesystem } from './analyzer.js';
import { ALL_ANALYZERS } from './analyzers.js';
import { applyLayers, sourcePath, type AppliedLayer, type LayerAnalysis } from './applier.js';
import { detectOsIn, layerReleaseFiles, osFilesWanted, releaseFiles } from './distro.js';
import { LayerView, wholeImage } from './layer-view.js';
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
 * Runs the analyzers over one layer, in order (an analyzer sees the packages those before it found in
 * the layer). A failing analyzer becomes a warning, never a lost scan.
 */
export async function analyzeLayer(fs: LayerFilesystem, analyzers: readonly Analyzer[]): Promise<LayerAnalysis> {
  // The OS as the image stands after this layer: what the OS packages' purls name.
  const os = detectOsIn(releaseFiles(fs, (path) => fs.readVisible(path)));
  const packages: Package[] = [];
  const results: Record<string, AnalyzerResult> = {};
  for (const analyzer of analyzers) {
    try {
      const result = await analyzer.analyze({ fs, ...(os ? { os } : {}), packages });
      results[analyzer.name] = result;
      packages.push(...result.packages);
    } catch (err) {
      results[analyzer.name] = { packages: [], warnings: [{ message: `${analyzer.name} analyzer failed: ${errorMessage(err)}` }] };
    }
  }
  return { analyzers: results, osFiles: layerReleaseFiles(fs) };
}

/** Analyses a merged filesystem as one layer (a fixture, a view already read): its files keep the layers they name. */
export async function analyzeFilesystem(fs: ImageFilesystem, analyzers: readonly Analyzer[], artifactIndex?: ArtifactIndex): Promise<{ os?: OsInfo; packages: Package[]; warnings: ScanWarning[] }> {
  const analysis = await analyzeLayer(wholeImage(fs), analyzers);
  return applyLayers({ layers: [{ analysis, touches: () => false }], fs, lastWriter: () => 0, analyzers, ...(artifactIndex ? { artifactIndex } : {}) });
}

/** Whether a layer wrote or deleted a path of the merged view (its entries kept after the merge are those the analyzers' files need). */
function touches(content: LayerContent, fs: MergedFilesystem): (path: string) => boolean {
  let written: Set<string> | undefined;
  let deleted: string[] | undefined;
  let emptied: string[] | undefined;
  return (path) => {
    written ??= new Set([...content.entries].map((e) => fs.landsOn(e.path)));
    deleted ??= content.whiteouts.map((w) => fs.landsOn(w));
    emptied ??= content.opaqueDirs.map((d) => (d === '' ? '' : `${fs.landsOn(d)}/`));
    return written.has(path) || deleted.some((d) => path === d || path.startsWith(`${d}/`)) || emptied.some((d) => path.startsWith(d));
  };
}

/**
 * Rare: files an analyzer wants under a symlinked name got their bodies after the merge. Their layers
 * are analysed again over the final view (which no longer holds what later layers overwrote).
 */
function layersToReanalyse(contents: ImageContents, analyzers: readonly Analyzer[]): Set<number> {
  const layers = new Set<number>();
  for (const { layer, path, alias } of contents.lateBodies) {
    const file = contents.fs.get(path);
    const info = file && { ...file, path: alias };
    if (info && (osFilesWanted(info) || analyzers.some((a) => a.wants(info)))) layers.add(layer);
  }
  return layers;
}

/** A layer analysed again over the final view, keeping the first analysis of the files later layers overwrote (their packages' layers depend on them). */
function withOverwritten(first: LayerAnalysis, again: LayerAnalysis, stillHere: (path: string) => boolean): LayerAnalysis {
  const analyzers: Record<string, AnalyzerResult> = {};
  for (const [name, result] of Object.entries(again.analyzers)) {
    const overwritten = (first.analyzers[name]?.packages ?? []).filter((p) => !stillHere(sourcePath(p)));
    analyzers[name] = { ...result, packages: [...overwritten, ...result.packages] };
  }
  return { analyzers, osFiles: { ...first.osFiles, ...again.osFiles } };
}

/** Reads the image once, analysing each layer as it is applied, and merges the layers' findings. The caller closes `contents`. */
export async function inventoryImage(
  image: ResolvedImage,
  options: Omit<ReadImageOptions, 'requests' | 'onApplied'> & { analyzers?: readonly Analyzer[]; extraRequests?: readonly FileRequest[]; artifactIndex?: ArtifactIndex } = {},
): Promise<InventoryResult> {
  const analyzers = options.analyzers ?? ALL_ANALYZERS;
  const analyses: LayerAnalysis[] = [];
  const onApplied = async (layer: LayerContent, fs: MergedFilesystem): Promise<void> => {
    analyses[layer.ref.index] = await analyzeLayer(new LayerView(fs, layer.ref.index), analyzers);
  };
  // Later stages (hardening) add their requests so the layers are still read only once.
  const contents = await readImage(image, { ...options, requests: [...fileRequests(analyzers), ...(options.extraRequests ?? [])], onApplied });
  try {
    const { fs } = contents;
    for (const index of layersToReanalyse(contents, analyzers)) {
      const before = analyses[index] ?? { analyzers: {}, osFiles: {} };
      analyses[index] = withOverwritten(before, await analyzeLayer(new LayerView(fs, index), analyzers), (path) => fs.get(path)?.layer.index === index);
    }
    const layers: AppliedLayer[] = contents.perLayer.map((content) => ({
      ref: content.ref,
      analysis: analyses[content.ref.index] ?? { analyzers: {}, osFiles: {} },
      touches: touches(content, fs),
    }));
    const applied = applyLayers({ layers, fs, lastWriter: (path) => fs.get(path)?.layer.index, analyzers, ...(options.artifactIndex ? { artifactIndex: options.artifactIndex } : {}) });
    return { contents, ...(applied.os ? { os: applied.os } : {}), packages: applied.packages, warnings: [...fs.warnings, ...applied.warnings] };
  } catch (err) {
    contents.close();
    throw err;
  }
}
