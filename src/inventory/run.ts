import { createHash } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { FileRequest, ImageFilesystem } from '../image/files.js';
import type { LayerContent, LayerEntry } from '../image/layer-reader.js';
import type { LayerSecret, LayerSecrets } from '../hardening/checks/secret-files.js';
import type { MergedFilesystem } from '../image/merged-fs.js';
import type { LayerCache } from '../cache/layer-cache.js';
import { layerCacheKey } from '../cache/layer-cache.js';
import { bodyFacts, factRequests, FactStore, type FileFact, type ImageFacts } from './facts.js';
import { EntryLog } from '../image/entry-log.js';
import { encodeListing } from '../image/layer-listing.js';
import { byLayerIndex, layerRefs, readImage, type BodyReader, type ImageContents, type ReadImageOptions } from '../image/scan.js';
import type { LayerRef } from '../model/layer.js';
import { plimsollVersion } from '../model/inventory.js';
import { decodeRecord, encodeRecord, withFacts, type LayerRecord } from './layer-record.js';
import type { ResolvedImage } from '../image/types.js';
import type { Package } from '../model/package.js';
import type { ScanWarning } from '../model/warning.js';
import type { Analyzer, AnalyzerResult, ArtifactIndex, LayerFilesystem } from './analyzer.js';
import { ALL_ANALYZERS } from './analyzers.js';
import { applyLayers, sourcePath, type AppliedLayer, type LayerAnalysis } from './applier.js';
import { detectOsIn, layerReleaseFiles, osFilesWanted, releaseText } from './distro.js';
import { LayerView, wholeImage, type FactLookup } from './layer-view.js';
import type { OsInfo } from '../model/os.js';

export interface InventoryResult {
  contents: ImageContents;
  os?: OsInfo;
  packages: Package[];
  warnings: ScanWarning[];
  /** Each layer's secrets, by index, when `secrets` was given. */
  secrets?: LayerSecrets[];
  /** The facts later stages asked for (`facts`), of the merged view's files. */
  facts: ImageFacts;
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
  const os = detectOsIn({ text: (path) => fs.fact(releaseText, path), resolve: (path) => fs.resolve(path) });
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
  return applyLayers({
    layers: [{ analysis, touches: () => false }],
    fs,
    facts: bodyFacts(fs),
    lastWriter: () => 0,
    analyzers,
    ...(artifactIndex ? { artifactIndex } : {}),
  });
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

/** Facts by name, each once: the analyses' (OS release files, the analyzers'), then `later`. */
function distinctFacts(...lists: (readonly FileFact[])[]): FileFact[] {
  const byName = new Map<string, FileFact>();
  for (const fact of lists.flat()) if (!byName.has(fact.name)) byName.set(fact.name, fact);
  return [...byName.values()];
}

interface InventoryOptions extends Omit<ReadImageOptions, 'requests' | 'onApplied' | 'known' | 'linkRequests'> {
  analyzers?: readonly Analyzer[];
  /** Facts later stages (hardening) read from the merged view: extracted as the layers are applied, kept in their records. */
  facts?: readonly FileFact[];
  /** Scan every layer for secrets (hardening's secret check), keeping the results in the layers' records. */
  secrets?: LayerSecretScan;
  artifactIndex?: ArtifactIndex;
  /** Per-layer results of earlier scans: read and filled (not with `skip`, which changes what a layer holds). */
  cache?: LayerCache;
}

/**
 * Reads the image once, analysing each layer as it is applied, and merges the layers' findings. The caller closes `contents`.
 * With a layer cache, a layer that has a record is not read: its listing joins the merged view, its
 * analysis goes to the applier, and what other layers' analyses and the final passes read of its files
 * comes from the facts in its record (a fact the record lacks is read from that layer alone). Every
 * layer read gets its record. With `secrets`, each layer's secrets are scanned as it is applied and
 * kept in its record; a record without them is read again.
 */
export async function inventoryImage(image: ResolvedImage, options: InventoryOptions = {}): Promise<InventoryResult> {
  const analyzers = options.analyzers ?? ALL_ANALYZERS;
  const cacheWarnings: ScanWarning[] = [];
  const cache = options.cache && !options.skip ? options.cache : undefined;
  const { keys, records } = cache ? cachedLayers(image, cache, analyzers, cacheWarnings) : { keys: [], records: [] };
  // A record stored by a scan that did not look for secrets does not do for one that does: that layer is read.
  const known = image.layers.map((_layer, i) => {
    const record = records[i];
    return record && (!options.secrets || record.secrets) ? record : undefined;
  });
  for (;;) {
    const read = await readAndAnalyse(image, options, analyzers, { keys, records, known });
    if ('contents' in read) return { ...read, warnings: [...cacheWarnings, ...read.warnings] };
    // Rare: a file wanted under a symlinked name in a cached layer makes that layer analysed again over the final view, which needs it read.
    for (const index of read.readAgain) known[index] = undefined;
  }
}

/** One read of the image with the layers `known` has records of; or the known layers that must be read after all. */
async function readAndAnalyse(
  image: ResolvedImage,
  options: InventoryOptions,
  analyzers: readonly Analyzer[],
  cached: { keys: (string | undefined)[]; records: (LayerRecord | undefined)[]; known: (LayerRecord | undefined)[] },
): Promise<InventoryResult | { readAgain: number[] }> {
  const { keys, records, known } = cached;
  const cache = options.cache && !options.skip ? options.cache : undefined;
  const secrets = options.secrets;
  const finalFacts = distinctFacts(...analyzers.map((a) => a.finishFacts ?? []), options.facts ?? []);
  const allFacts = distinctFacts([releaseText], ...analyzers.map((a) => a.facts ?? []), finalFacts);
  const analysisRequests = fileRequests(analyzers);
  const readRequests = [...analysisRequests, ...(secrets ? [secrets.request] : []), ...factRequests(allFacts)];
  const facts = new FactStore(allFacts, finalFacts, readRequests);
  const analyses: LayerAnalysis[] = [];
  const layerSecrets: LayerSecrets[] = [];
  const onApplied = async (layer: LayerContent, fs: MergedFilesystem, readBodies: BodyReader): Promise<void> => {
    const index = layer.ref.index;
    const record = known[index];
    if (record) {
      analyses[index] = record.analysis;
      facts.applied(index, layer.entries, { recorded: record.facts });
    } else {
      // A record without secrets has its analysis: the layer is read for its secrets.
      const cached = records[index]?.analysis;
      const { analysis, view } = cached
        ? { analysis: cached, view: new LayerView(fs, index, factLookup(facts, fs)) }
        : await analyseLayer(fs, index, analyzers, facts, readBodies);
      analyses[index] = analysis;
      facts.applied(index, layer.entries, { captured: view.captured() });
    }
    // Bodies read after the merge (wanted under a symlinked name) never matter here: a file the secret scan
    // reads by its own path had its body captured as the layer streamed.
    if (secrets) {
      // From the whole listing: once merged, a layer keeps only entries whose path had a body below.
      layerSecrets[index] = secrets.next(layer.entries, record?.secrets);
    }
    const key = keys[index];
    if (key !== undefined && !record && entryCount(layer) <= MAX_CACHED_ENTRIES)
      cache?.put(
        key,
        encodeRecord(
          encodeListing(layer),
          analyses[index] as LayerAnalysis,
          facts.recorded(index),
          secrets ? layerSecrets[index]?.found : records[index]?.secrets,
        ),
      );
  };
  const contents = await readImage(image, {
    ...options,
    requests: readRequests,
    // Facts' files wanted only under a symlinked name are read when a fact is asked of them.
    linkRequests: analysisRequests,
    onApplied,
    known: known.map((r) => r?.content),
  });
  try {
    const { fs } = contents;
    const reanalyse = layersToReanalyse(contents, analyzers);
    const readAgain = [...reanalyse].filter((index) => known[index]);
    if (readAgain.length > 0) {
      contents.close();
      return { readAgain };
    }
    for (const index of reanalyse) {
      const before = analyses[index] ?? NO_ANALYSIS;
      const { analysis } = await analyseLayer(fs, index, analyzers, facts, contents.readBodies);
      analyses[index] = withOverwritten(before, analysis, (path) => fs.get(path)?.layer.index === index);
      // Its record, stored as the layer was applied, lacks those files: such a layer is always read (rare).
      const key = keys[index];
      if (key !== undefined) cache?.delete(key);
    }
    const imageFacts = await factsOfFinalView(facts, contents);
    for (const { index, facts: grown } of facts.grown()) {
      const key = keys[index];
      const bytes = key === undefined ? undefined : cache?.get(key);
      if (key !== undefined && bytes) cache?.put(key, withFacts(bytes, grown));
    }
    const layers: AppliedLayer[] = contents.perLayer.map((content) => {
      const analysis = analyses[content.ref.index] ?? NO_ANALYSIS;
      return { ref: content.ref, analysis, touches: touches(content, analysis, fs) };
    });
    const applied = applyLayers({
      layers,
      fs,
      facts: imageFacts,
      lastWriter: (path) => fs.get(path)?.layer.index,
      analyzers,
      ...(options.artifactIndex ? { artifactIndex: options.artifactIndex } : {}),
    });
    return {
      contents,
      ...(applied.os ? { os: applied.os } : {}),
      packages: applied.packages,
      warnings: [...fs.warnings, ...applied.warnings],
      ...(secrets ? { secrets: layerSecrets } : {}),
      facts: imageFacts,
    };
  } catch (err) {
    contents.close();
    throw err;
  }
}

/** Facts as a layer's analysis asks them: as the view stands, before any body is read after the merge. */
function factLookup(facts: FactStore, fs: MergedFilesystem): FactLookup {
  return (fact, path) => facts.lookup(fs, fact, path, false);
}

/**
 * Analyses layer `index` as the view stands. A fact it asks of a cached layer's file that the layer's
 * record lacks is read from that layer, and the analysis runs again (rare: a name reached through a symlink).
 */
async function analyseLayer(
  fs: MergedFilesystem,
  index: number,
  analyzers: readonly Analyzer[],
  facts: FactStore,
  readBodies: BodyReader,
): Promise<{ analysis: LayerAnalysis; view: LayerView }> {
  const lookup = factLookup(facts, fs);
  let view = new LayerView(fs, index, lookup);
  let analysis = await analyzeLayer(view, analyzers);
  if (view.gaps.length > 0) {
    await readBodies(byLayerIndex(view.gaps));
    facts.filled(view.gaps);
    view = new LayerView(fs, index, lookup);
    analysis = await analyzeLayer(view, analyzers);
  }
  return { analysis, view };
}

/** The final view's facts, reading first what the known layers' records lack. */
async function factsOfFinalView(facts: FactStore, contents: ImageContents): Promise<ImageFacts> {
  let plan = facts.plan(contents.fs);
  if ('gaps' in plan) {
    await contents.readBodies(byLayerIndex(plan.gaps));
    facts.filled(plan.gaps);
    plan = facts.plan(contents.fs);
  }
  if ('gaps' in plan) throw new Error(`facts still missing after reading their layers again: ${plan.gaps.map((g) => g.path).join(', ')}`);
  return plan.facts;
}
