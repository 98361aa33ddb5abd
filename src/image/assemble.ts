import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { VerifyingStream, verifyBytes } from './digest.js';
import { parseManifest, selectPlatform, type Descriptor, type ImageManifest } from './manifest.js';
import { CONFIG_SHAPE, checkShape } from './json-shape.js';
import type { ImageConfigFile, LayerBlob, ResolvedImage } from './types.js';
import { verify, verifyDiffIdCount, type Verification } from './verify.js';
import type { Platform } from '../model/platform.js';

/** Largest manifest or config Plimsoll reads into memory (they are JSON of a few KB). */
export const MAX_JSON_BLOB = 16 * 1024 * 1024;

/** How a content-addressed source (OCI layout, registry) hands out its objects. */
export interface BlobStore {
  /** Reads a manifest or index named by `desc` (bytes as stored, not yet verified). */
  readManifest(desc: Descriptor): Promise<{ bytes: Buffer; contentType?: string }>;
  /** Reads a small blob (the config) whole. */
  readBlob(desc: Descriptor): Promise<Buffer>;
  /** Opens a layer blob as a stream of its stored bytes. */
  openBlob(desc: Descriptor): Promise<Readable>;
}

export interface AssembleArgs {
  ref: string;
  transport: string;
  /** Names the input in error messages. */
  what: string;
  /** The descriptor the reference points at (manifest or index). */
  root: Descriptor;
  store: BlobStore;
  platform?: Platform;
  skipVerify?: boolean;
  /** The root descriptor's size is not known (a registry reference by digest). */
  rootSizeUnknown?: boolean;
  close(): Promise<void>;
}

/** A descriptor's size must be the blob's (containerd checks it on every read). */
export function verifySize(image: Verification, bytes: number, desc: Descriptor, what: string): void {
  verify(image, bytes === desc.size, `${what}: blob ${desc.digest} is ${bytes} bytes, but its descriptor says ${desc.size}`);
}

/** Pipes `source` into `check`, carrying the source's errors over (pipe() alone drops them). */
export function verified(source: Readable, check: VerifyingStream): Readable {
  source.on('error', (err) => check.destroy(err));
  check.on('close', () => source.destroy());
  return source.pipe(check);
}

export function platformOf(config: ImageConfigFile): Platform | undefined {
  if (!config.os || !config.architecture) return undefined;
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}

export function parseConfig(bytes: Buffer, what: string): ImageConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InputError(`${what}: image config is not valid JSON`);
  }
  return checkShape<ImageConfigFile>(json, CONFIG_SHAPE, 'config', `${what}: image config`);
}

/** Follows an index to the manifest for the platform, verifies every JSON object, and exposes the layers. */
export async function assembleImage(args: AssembleArgs): Promise<ResolvedImage> {
  const { store, what } = args;
  const verification: Verification = { skipVerify: args.skipVerify === true, warnings: [] };
  let desc = args.root;
  let manifest: ImageManifest | undefined;
  for (let depth = 0; depth < 4 && !manifest; depth++) {
    const { bytes, contentType } = await store.readManifest(desc);
    verifyBytes(bytes, desc.digest, `${what}: manifest`);
    if (depth > 0 || !args.rootSizeUnknown) verifySize(verification, bytes.length, desc, `${what}: manifest`);
    const parsed = parseManifest(bytes, `${what}: manifest ${desc.digest}`, contentType ?? desc.mediaType);
    if (parsed.kind === 'index') desc = selectPlatform(parsed, args.platform, what);
    else manifest = parsed;
  }
  if (!manifest) throw new InputError(`${what}: image indexes nested too deeply`);
  const configBytes = await store.readBlob(manifest.config);
  verifyBytes(configBytes, manifest.config.digest, `${what}: config`);
  verifySize(verification, configBytes.length, manifest.config, `${what}: config`);
  const config = parseConfig(configBytes, what);
  const diffIds = config.rootfs?.diff_ids ?? [];
  verifyDiffIdCount(verification, what, diffIds, manifest.layers.length);
  const layers: LayerBlob[] = manifest.layers.map((layer, i) => ({
    digest: layer.digest,
    diffId: diffIds[i],
    mediaType: layer.mediaType,
    size: layer.size,
    open: async () => verified(await store.openBlob(layer), new VerifyingStream(layer.digest, `${what}: layer ${layer.digest}`, layer.size)),
  }));
  return {
    ...verification,
    ref: args.ref,
    transport: args.transport,
    digest: args.root.digest,
    manifestDigest: desc.digest,
    configDigest: manifest.config.digest,
    manifestMediaType: manifest.mediaType,
    ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
    platform: platformOf(config),
    config,
    layers,
    close: args.close,
  };
}
