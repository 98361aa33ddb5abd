import { BodyStore } from './body-store.js';
import { EntryLog } from './entry-log.js';
import type { FileInfo, FileRequest } from './files.js';
import { readBodies, readHardLinkBodies, readLayer, wanted, type LayerContent, type Want } from './layer-reader.js';
import { MergedFilesystem } from './merged-fs.js';
import { readRootfs } from './sources/rootfs.js';
import type { ResolvedImage } from './types.js';
import { verify } from './verify.js';
import type { LayerRef } from '../model/layer.js';

export const DEFAULT_MAX_LAYER_SIZE = 10 * 1024 ** 3;
/** Layers read at once: downloads overlap, and gunzip runs on libuv's pool beside tar parsing. */
export const DEFAULT_LAYER_CONCURRENCY = 3;

export interface ReadImageOptions {
  requests?: readonly FileRequest[];
  maxLayerSize?: number;
  concurrency?: number;
  /** Called as each layer finishes (for progress). */
  onLayer?: (layer: LayerContent) => void;
  /** Paths left out of the image altogether (`--skip-dirs`, `--skip-files`): no body read, no entry kept. */
  skip?: (path: string) => boolean;
  /**
   * Called as each layer has been applied to the merged view, before the next is: the view then stands
   * as that layer left it, the layer's entries are all there. `readBodies` reads files of lower layers.
   */
  onApplied?: (layer: LayerContent, fs: MergedFilesystem, readBodies: BodyReader) => Promise<void>;
  /**
   * The requests whose files are read again after the merge when they are wanted only under a
   * symlinked name (default: all of `requests`); the others' late files are left to the caller.
   */
  linkRequests?: readonly FileRequest[];
  /** Layers already known by index (listings from the layer cache, without bodies): not opened. */
  known?: readonly (LayerContent | undefined)[];
}

/** Reads the bodies of files (merged-view paths, by layer index, each with how to keep it) from their layers into the view. */
export type BodyReader = (byLayer: ReadonlyMap<number, ReadonlyMap<string, Want>>) => Promise<void>;

export interface LayerSummary extends LayerRef {
  mediaType: string;
  size?: number;
  compression: string;
  /** Bytes of the uncompressed tar. */
  tarBytes: number;
}

/** A file whose body was read after the merge, because some request wants it under a symlinked name. */
export interface LateBody {
  layer: number;
  /** Where the file is. */
  path: string;
  /** The name through a symlink that some request wants. */
  alias: string;
}

export interface ImageContents {
  fs: MergedFilesystem;
  layers: LayerSummary[];
  /**
   * What each layer wrote and deleted on its own, with the bodies requests
   * captured: for checks that must see content a later layer hides. Once
   * merged, a layer's `entries` are only those (see {@link mergeLayer}).
   */
  perLayer: LayerContent[];
  /**
   * Layers that received bodies only after the merge (wanted files found under a symlinked name):
   * whatever {@link ReadImageOptions.onApplied} made of them lacks those files.
   */
  lateBodies: LateBody[];
  /** Reads files again from the layers that hold them (those a known layer's cache record says too little of). */
  readBodies: BodyReader;
  /**
   * Frees what the scan holds outside the heap (the index's SQLite database, the bodies' temp file) once
   * nothing reads the view or the bodies any more. Later calls do nothing.
   */
  close(): void;
}

/** Maps each layer to the history entry that made it (history lists empty layers too). */
export function layerRefs(image: ResolvedImage): LayerRef[] {
  const history = (image.config.history ?? []).filter((h) => !h.empty_layer);
  return image.layers.map((layer, index) => {
    const createdBy = history[index]?.created_by;
    return { index, digest: layer.digest, ...(layer.diffId ? { diffId: layer.diffId } : {}), ...(createdBy ? { createdBy } : {}) };
  });
}

async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Applies the next layer up, which then keeps of its entries only what the per-layer checks read:
 * the captured bodies, and later rewrites of their paths (which may remove a secret); `captured` holds
 * the paths lower layers captured bodies for. The rest is in the merged view, so an image of millions
 * of entries does not hold them twice.
 */
async function mergeLayer(
  fs: MergedFilesystem,
  content: LayerContent,
  bodies: BodyStore,
  captured: Set<string>,
  onApplied: ((layer: LayerContent, fs: MergedFilesystem) => Promise<void>) | undefined,
): Promise<void> {
  // What the layer keeps is picked as its entries are written: its listing is decoded once for both.
  const kept = new EntryLog(bodies);
  fs.apply(content, (e) => {
    if (e.body !== undefined || captured.has(e.path)) kept.push(e);
  });
  fs.warnings.push(...content.warnings);
  // Before the layer's entries are compacted: a caller may keep its listing.
  await onApplied?.(content, fs);
  content.entries = kept;
  for (const entry of kept) if (entry.body !== undefined) captured.add(entry.path);
}

/**
 * Rare: a file some request wants under a name that reaches it through a symlink (a package database
 * in a symlinked directory) was read without its body; read those layers again for just those files.
 */
async function readLinkedBodies(
  image: ResolvedImage,
  fs: MergedFilesystem,
  requests: readonly FileRequest[],
  linkRequests: readonly FileRequest[],
  options: { maxLayerSize: number; bodies: BodyStore },
): Promise<LateBody[]> {
  const reads: LayerFileRead[] = [];
  const late: LateBody[] = [];
  // Read only for `linkRequests`, but kept as every request wants it (as a file wanted under its own name by any of them was kept).
  const aliased = (info: FileInfo): (Want & { alias: string }) | undefined => {
    const want = wanted(requests, info);
    return want && (linkRequests === requests || linkRequests.some((r) => r.wants(info))) ? { ...want, alias: info.path } : undefined;
  };
  const keptUnderOwnName = (info: FileInfo): boolean => wanted(requests, info) !== undefined;
  for (const { layer, path, want } of fs.bodiesWantedThroughLinks(aliased, keptUnderOwnName)) {
    const { alias, ...limits } = want;
    reads.push({ layer, path, want: limits });
    late.push({ layer, path, alias });
  }
  await readAgain(image, fs, byLayerIndex(reads), options);
  return late;
}

/** A file to read again from one layer: its merged-view path, kept as `want` says. */
export interface LayerFileRead {
  layer: number;
  path: string;
  want: Want;
}

/** Files to read again, grouped by layer index, as {@link BodyReader} takes them. */
export function byLayerIndex(reads: readonly LayerFileRead[]): Map<number, Map<string, Want>> {
  const byLayer = new Map<number, Map<string, Want>>();
  for (const { layer, path, want } of reads) {
    const paths = byLayer.get(layer) ?? new Map<string, Want>();
    paths.set(path, want);
    byLayer.set(layer, paths);
  }
  return byLayer;
}

/** Reads the bodies of `byLayer`'s files (merged-view paths, by layer index) from their layers into the view. */
async function readAgain(
  image: ResolvedImage,
  fs: MergedFilesystem,
  byLayer: ReadonlyMap<number, ReadonlyMap<string, Want>>,
  options: { maxLayerSize: number; bodies: BodyStore },
): Promise<void> {
  const refs = layerRefs(image);
  for (const [index, paths] of byLayer) {
    const layer = image.layers[index];
    if (!layer) continue;
    const what = `${image.ref}: layer ${layer.digest}`;
    const landed = (info: FileInfo): string => fs.landsOn(info.path);
    const warnings = await readBodies(
      await layer.open(),
      refs[index] as LayerRef,
      { ...options, what },
      (info) => paths.get(landed(info)),
      (info, body) => fs.setBody(landed(info), body),
    );
    fs.warnings.push(...warnings);
  }
}

/**
 * Reads every layer (a few at a time, each as a stream) into per-layer
 * contents, then applies them bottom-up into the merged view. The caller
 * closes the contents when done with them (a failed read closes them itself).
 */
export async function readImage(image: ResolvedImage, options: ReadImageOptions = {}): Promise<ImageContents> {
  const bodies = new BodyStore();
  let fs: MergedFilesystem | undefined;
  const close = (): void => {
    fs?.close();
    bodies.close();
  };
  try {
    const read = await readInto(image, options, bodies, (root) => (fs = new MergedFilesystem(root)));
    return {
      ...read,
      readBodies: (byLayer) => readAgain(image, read.fs, byLayer, { maxLayerSize: options.maxLayerSize ?? DEFAULT_MAX_LAYER_SIZE, bodies }),
      close,
    };
  } catch (err) {
    close();
    throw err;
  }
}

/** `skip`, asked once per path in a row: every request asks it of the entry at hand (two dozen of them). */
function skippedOnce(skip: (path: string) => boolean): (path: string) => boolean {
  let last: string | undefined;
  let skipped = false;
  return (path) => {
    if (path !== last) {
      last = path;
      skipped = skip(path);
    }
    return skipped;
  };
}

/** {@link readImage}'s work, into the body store and the filesystem it is given to close. */
async function readInto(
  image: ResolvedImage,
  options: ReadImageOptions,
  bodies: BodyStore,
  newFilesystem: (root: LayerRef) => MergedFilesystem,
): Promise<Omit<ImageContents, 'close' | 'readBodies'>> {
  const skip = options.skip && skippedOnce(options.skip);
  // A skipped path is neither read nor kept: as if the image did not hold it.
  const requests = skip
    ? (options.requests ?? []).map((r) => ({ ...r, wants: (info: FileInfo) => !skip(info.path) && r.wants(info) }))
    : (options.requests ?? []);
  const dropSkipped = (content: LayerContent): void => {
    if (skip) content.entries = EntryLog.from(content.entries, (e) => (skip(e.path) ? undefined : e), bodies);
  };
  if (image.rootfs !== undefined) {
    const ref: LayerRef = { index: 0, digest: '' };
    const content = await readRootfs(image.rootfs, ref, requests, bodies);
    dropSkipped(content);
    options.onLayer?.(content);
    const fs = newFilesystem(ref);
    const onApplied = options.onApplied;
    // A root filesystem is one layer, read whole: no lower layer to read again.
    await mergeLayer(fs, content, bodies, new Set(), onApplied && ((layer, view) => onApplied(layer, view, async () => {})));
    return { fs, layers: [], perLayer: [content], lateBodies: [] };
  }
  const refs = layerRefs(image);
  const maxLayerSize = options.maxLayerSize ?? DEFAULT_MAX_LAYER_SIZE;
  const fs = newFilesystem(refs[0] ?? { index: 0, digest: '' });
  const onApplied = options.onApplied;
  const applied =
    onApplied &&
    ((layer: LayerContent, view: MergedFilesystem) => onApplied(layer, view, (byLayer) => readAgain(image, view, byLayer, { maxLayerSize, bodies })));
  // Each layer is merged as soon as the ones below it are: the merge fills time spent waiting for
  // bytes, and a merged layer's entries shrink to what the per-layer checks read while others stream.
  const done: LayerContent[] = [];
  const captured = new Set<string>();
  let merged = 0;
  const readOne = async (layer: ResolvedImage['layers'][number], i: number): Promise<LayerContent> => {
    const what = `${image.ref}: layer ${layer.digest}`;
    const content = await readLayer(await layer.open(), refs[i] as LayerRef, { requests, maxLayerSize, what, bodies, blobSize: layer.size });
    // Hashed as the layer streamed past: what containerd compares with the config before it unpacks.
    if (layer.diffId !== undefined)
      verify(
        image,
        content.diffId === layer.diffId,
        `${what}: uncompressed digest ${content.diffId ?? '?'} does not match the config's diff ID ${layer.diffId}`,
      );
    if (layer.size !== undefined)
      verify(image, content.blobBytes === layer.size, `${what}: blob is ${content.blobBytes ?? '?'} bytes, but its descriptor says ${layer.size}`);
    // Rare: a wanted hard link to a file nothing wanted; its bytes sit under the target's name, read again.
    if (content.linksAwaitingBodies) await readHardLinkBodies(await layer.open(), content, { maxLayerSize, what, bodies });
    dropSkipped(content);
    options.onLayer?.(content);
    return content;
  };
  // One merge at a time, in layer order, while later layers still stream (its failure is awaited below).
  let merging: Promise<void> = Promise.resolve();
  const mergeReady = async (): Promise<void> => {
    for (let next = done[merged]; next; next = done[merged]) {
      await mergeLayer(fs, next, bodies, captured, applied);
      merged++;
    }
  };
  const contents = await mapBounded(image.layers, options.concurrency ?? DEFAULT_LAYER_CONCURRENCY, async (layer, i) => {
    const content = options.known?.[i] ?? (await readOne(layer, i));
    done[i] = content;
    merging = merging.then(mergeReady);
    merging.catch(() => undefined);
    return content;
  });
  await merging;
  // The image's own warnings (checks --insecure-skip-verify let pass, made as the layers streamed) come before the layers'.
  fs.warnings.unshift(...(image.warnings ?? []));
  // When every layer is known, nothing was read to be missing (files of known layers wanted only under a
  // symlinked name a later layer made are read when some layer is not known: their layers are then analysed again).
  const allKnown = image.layers.every((_layer, i) => options.known?.[i]);
  const lateBodies = allKnown ? [] : await readLinkedBodies(image, fs, requests, options.linkRequests ?? requests, { maxLayerSize, bodies });
  const layers = contents.map((c, i) => ({
    ...c.ref,
    mediaType: image.layers[i]?.mediaType ?? '',
    size: image.layers[i]?.size,
    compression: c.compression,
    tarBytes: c.tarBytes,
  }));
  return { fs, layers, perLayer: contents, lateBodies };
}
