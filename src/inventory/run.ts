import { createHash } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { FileInfo, FileRequest, ImageFilesystem } from '../image/files.js';
import type { LayerContent, LayerEntry } from '../image/layer-reader.js';
import type { LayerSecret, LayerSecrets } from '../hardening/checks/secret-files.js';
import type { MergedFilesystem } from '../image/merged-fs.js';
import type { LayerCache } from '../cache/layer-cache.js';
import { layerCacheKey } from '../cache/layer-cache.js';
import { EntryLog } from '../image/entry-log.js';
import { encodeListing } from '../image/layer-listing.js';
import { layerRefs, readImage, type ImageContents, type ReadImageOptions } from '../image/scan.js';
import type { LayerRef } from '../model/layer.js';
import { plimsollVersion } from '../model/inventory.js';
import { decodeRecord, encodeRecord, type LayerRecord } from './layer-record.js';
import type { ResolvedImage } from '../image/types.js';
import type { Package } from '../model/package.js';
import type { ScanWarning } from '../model/warning.js';
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
  /** Each layer's secrets, by index, when `secrets` was given. */
  secrets?: LayerSecrets[];
}

/**
 * A secret scan of each layer as it is applied, bottom-up: the candidates' bodies to capture, and one
 * layer's secrets from its captured entries (or as its cache record kept them).
 */
export interface LayerSecretScan {
  request: FileRequest;
  next: (entries: Iterable<LayerEntry>, cached?: LayerSecret[]) => LayerSecrets;
}

/** The file requests of OS detection and of each analyzer, for one pass over the layers. */
export function fileRequests(analyzers: readonly Analyzer[]): FileRequest[] {
  return [
    { name: 'os-release', wants: osFilesWanted },
    ...analyzers.map((a) => ({
      name: a.name,
      wants: a.wants.bind(a),
      ...(a.maxFileSize ? { maxFileSize: a.maxFileSize } : {}),
      ...(a.reduce ? { reduce: a.reduce } : {}),
    })),
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
  const sources = fs.captured((f) => osFilesWanted(f) || analyzers.some((a) => a.wants(f))).map((f) => f.path);
  return { analyzers: results, osFiles: layerReleaseFiles(fs), sources };
}

/** Analyses a merged filesystem as one layer (a fixture, a view already read): its files keep the layers they name. */
export async function analyzeFilesystem(
  fs: ImageFilesystem,
  analyzers: readonly Analyzer[],
  artifactIndex?: ArtifactIndex,
): Promise<{ os?: OsInfo; packages: Package[]; warnings: ScanWarning[] }> {
  const analysis = await analyzeLayer(wholeImage(fs), analyzers);
  return applyLayers({ layers: [{ analysis, touches: () => false }], fs, lastWriter: () => 0, analyzers, ...(artifactIndex ? { artifactIndex } : {}) });
}

/** Whether a layer wrote a file an analyzer reads at `path` (of the merged view), or deleted it. */
function touches(content: LayerContent, analysis: LayerAnalysis, fs: MergedFilesystem): (path: string) => boolean {
  let written: Set<string> | undefined;
  let deleted: string[] | undefined;
  let emptied: string[] | undefined;
  return (path) => {
    written ??= new Set(analysis.sources);
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
  return { analyzers, osFiles: { ...first.osFiles, ...again.osFiles }, sources: [...new Set([...first.sources, ...again.sources])] };
}

/**
 * Layers of more entries are not cached: their listing (about 75 bytes an entry, encoded and then
 * compressed while the scan holds the rest) would cost more memory than the layer's read (measured:
 * 2,000,000 entries took the sbom from 136 MB to 293 MB cold and 261 MB warm).
 */
const MAX_CACHED_ENTRIES = 100_000;

function entryCount(layer: LayerContent): number {
  if (layer.entries instanceof EntryLog) return layer.entries.size;
  let count = 0;
  for (const _entry of layer.entries) count++;
  return count;
}

const NO_ANALYSIS: LayerAnalysis = { analyzers: {}, osFiles: {}, sources: [] };

/** The cache records of the image's layers that have one (by index), and the keys to store the others under. */
function cachedLayers(
  image: ResolvedImage,
  cache: LayerCache,
  analyzers: readonly Analyzer[],
  warnings: ScanWarning[],
): { keys: (string | undefined)[]; records: (LayerRecord | undefined)[] } {
  const refs = layerRefs(image);
  const keys = chainIds(image).map((chain) => (chain ? layerCacheKey(chain, analyzers, plimsollVersion()) : undefined));
  const records = keys.map((key, i) => {
    const bytes = key === undefined ? undefined : cache.get(key);
    if (!bytes) return undefined;
    try {
      return decodeRecord(bytes, refs[i] as LayerRef);
    } catch (err) {
      warnings.push({ message: `${errorMessage(err)}; the layer is read again` });
      return undefined;
    }
  });
  return { keys, records };
}

/**
 * Each layer's OCI chain ID (its diff ID over those of the layers below): a layer's analysis looks at
 * the layers below it (symlinks, a package's file lists), so it is cached for that stack, which images
 * built on one base share.
 */
function chainIds(image: ResolvedImage): (string | undefined)[] {
  let chain: string | undefined;
  return image.layers.map((layer, i) => {
    if (layer.diffId === undefined || (i > 0 && chain === undefined)) return (chain = undefined);
    chain = i === 0 ? layer.diffId : `sha256:${createHash('sha256').update(`${chain} ${layer.diffId}`).digest('hex')}`;
    return chain;
  });
}

/**
 * Reads the image once, analysing each layer as it is applied, and merges the layers' findings. The caller closes `contents`.
 * With a layer cache, an image whose every layer has a record is not read at all (only the files the
 * final passes and `extraRequests` read are, from the layers that hold them); otherwise a layer with a
 * record is read but not analysed again, and every layer read gets its record. With `secrets`, each
 * layer's secrets are scanned as it is applied and kept in its record; a record without them is read again.
 */
export async function inventoryImage(
  image: ResolvedImage,
  options: Omit<ReadImageOptions, 'requests' | 'onApplied' | 'known'> & {
    analyzers?: readonly Analyzer[];
    /** Files later stages (hardening) read from the merged view: when the layers are known, read from the layers that hold them. */
    extraRequests?: readonly FileRequest[];
    /** Scan every layer for secrets (hardening's secret check), keeping the results in the layers' records. */
    secrets?: LayerSecretScan;
    artifactIndex?: ArtifactIndex;
    /** Per-layer results of earlier scans: read and filled (not with `skip`, which changes what a layer holds). */
    cache?: LayerCache;
  } = {},
): Promise<InventoryResult> {
  const analyzers = options.analyzers ?? ALL_ANALYZERS;
  const cacheWarnings: ScanWarning[] = [];
  const cache = options.cache && !options.skip ? options.cache : undefined;
  const { keys, records } = cache ? cachedLayers(image, cache, analyzers, cacheWarnings) : { keys: [], records: [] };
  const secrets = options.secrets;
  const extraRequests = options.extraRequests ?? [];
  // A record stored by a scan that did not look for secrets does not do for one that does: that layer is read.
  const complete = (record: LayerRecord | undefined): boolean => record !== undefined && (!secrets || record.secrets !== undefined);
  const allKnown = image.layers.length > 0 && records.length === image.layers.length && records.every(complete);
  const readRequests = [...fileRequests(analyzers), ...(secrets ? [secrets.request] : []), ...extraRequests];
  const analyses: LayerAnalysis[] = [];
  const layerSecrets: LayerSecrets[] = [];
  // The merged view, for requests asked after the merge.
  let view: MergedFilesystem | undefined;
  const onApplied = async (layer: LayerContent, fs: MergedFilesystem): Promise<void> => {
    view = fs;
    const index = layer.ref.index;
    const record = records[index];
    analyses[index] = record?.analysis ?? (await analyzeLayer(new LayerView(fs, index), analyzers));
    // Bodies read after the merge (wanted under a symlinked name) never matter here: a file the secret scan
    // reads by its own path had its body captured as the layer streamed.
    if (secrets) {
      // From the whole listing: once merged, a layer keeps only entries whose path had a body below.
      layerSecrets[index] = secrets.next(layer.entries, record?.secrets);
    }
    const key = keys[index];
    if (key !== undefined && !complete(record) && entryCount(layer) <= MAX_CACHED_ENTRIES)
      cache?.put(key, encodeRecord(encodeListing(layer), analyses[index] as LayerAnalysis, secrets ? layerSecrets[index]?.found : record?.secrets));
  };
  const contents = await readImage(image, {
    ...options,
    // When no layer is read, only the final passes' and later stages' files are wanted; else those stages add theirs so the layers are read once.
    requests: allKnown ? [...finishRequests(analyzers), ...alongside(readRequests, extraRequests, (path) => view?.resolve(path))] : readRequests,
    onApplied,
    ...(allKnown ? { known: records.map((r) => r?.content) } : {}),
  });
  try {
    const { fs } = contents;
    if (!allKnown) {
      for (const index of layersToReanalyse(contents, analyzers)) {
        const before = analyses[index] ?? NO_ANALYSIS;
        analyses[index] = withOverwritten(before, await analyzeLayer(new LayerView(fs, index), analyzers), (path) => fs.get(path)?.layer.index === index);
        // Its record, stored as the layer was applied, lacks those files: such a layer is always read (rare).
        const key = keys[index];
        if (key !== undefined) cache?.delete(key);
      }
    }
    const layers: AppliedLayer[] = contents.perLayer.map((content) => {
      const analysis = analyses[content.ref.index] ?? NO_ANALYSIS;
      return { ref: content.ref, analysis, touches: touches(content, analysis, fs) };
    });
    const applied = applyLayers({
      layers,
      fs,
      lastWriter: (path) => fs.get(path)?.layer.index,
      analyzers,
      ...(options.artifactIndex ? { artifactIndex: options.artifactIndex } : {}),
    });
    return {
      contents,
      ...(applied.os ? { os: applied.os } : {}),
      packages: applied.packages,
      warnings: [...cacheWarnings, ...fs.warnings, ...applied.warnings],
      ...(secrets ? { secrets: layerSecrets } : {}),
    };
  } catch (err) {
    contents.close();
    throw err;
  }
}

/**
 * `requests` narrowed to the files `extra` wants, for reading them again from known layers: each is kept
 * as the layer's read kept it, with the size limit and reducer of the requests that want it under its own
 * name (an analyzer's reducer applies to an entry binary reached through a symlink), else under the name asked for.
 */
function alongside(requests: readonly FileRequest[], extra: readonly FileRequest[], resolve: (path: string) => FileInfo | undefined): FileRequest[] {
  if (extra.length === 0) return [];
  const extraWants = (info: FileInfo): boolean => extra.some((r) => r.wants(info));
  const asRead = (info: FileInfo): FileInfo => {
    const own = resolve(info.path);
    return own && own.path !== info.path && requests.some((r) => r.wants(own)) ? own : info;
  };
  return requests.map((r) => ({ ...r, wants: (info: FileInfo) => extraWants(info) && r.wants(asRead(info)) }));
}

/** What the analyzers' final passes read from the merged view. */
function finishRequests(analyzers: readonly Analyzer[]): FileRequest[] {
  return analyzers.flatMap((a) =>
    a.finishWants ? [{ name: a.name, wants: a.finishWants.bind(a), ...(a.maxFileSize ? { maxFileSize: a.maxFileSize } : {}) }] : [],
  );
}
