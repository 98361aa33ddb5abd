import { Readable } from 'node:stream';
import { DigestMismatchError, InputError, errorMessage } from '../errors.js';
import type { Body, BodyStore } from './body-store.js';
import { VerifyingStream, hasherFor, type Hasher } from './digest.js';
import { EntryLog } from './entry-log.js';
import { streamedBytes } from './reclaim.js';
import { decoderFor, detectCompression, peek, selfHashing, type Compression } from './decompress.js';
import type { FileInfo, FileRequest, FileType } from './files.js';
import { dirname, normalizeImagePath } from './paths.js';
import { StreamSource, TarError, readTar, type TarEnd, type TarHeader } from './tar.js';
import type { ScanWarning } from '../model/warning.js';
import type { LayerRef } from '../model/layer.js';

export const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;
/** Bytes of a blob read ahead of its decoder (past the chunk the source itself reads ahead). */
const STORED_READ_AHEAD = 64 * 1024;

/** One tar entry of a layer, with its body when a request wanted it. */
export interface LayerEntry extends FileInfo {
  body?: Body;
}

/** What one layer writes and deletes, before merging with the others. */
export interface LayerContent {
  ref: LayerRef;
  /** In tar order; packed (an {@link EntryLog}) as a layer is read. */
  entries: Iterable<LayerEntry>;
  /** Paths a `.wh.NAME` file deletes from lower layers. */
  whiteouts: string[];
  /** Directories whose lower-layer contents `.wh..wh..opq` hides. */
  opaqueDirs: string[];
  compression: Compression;
  /** Uncompressed bytes read. */
  tarBytes: number;
  /** sha256 of the uncompressed tar, computed as it streamed past (absent for `dir:`). */
  diffId?: string;
  /** Bytes of the blob as stored (absent for `dir:`). */
  blobBytes?: number;
  warnings: ScanWarning[];
  /**
   * Hard links some request wants whose target (earlier in this layer) was read without keeping its
   * body: tar gives the bytes only once, under the target's name, so a second pass must fetch them.
   */
  linksAwaitingBodies?: AwaitingLink[];
}

/** A wanted hard link whose body is its target's, still to be read. */
export interface AwaitingLink {
  link: FileInfo;
  want: Want;
  /** Its place among the layer's entries. */
  position: number;
}

/** Tar type flags of the entries a filesystem holds; others (GNU sparse, vendor extensions) are skipped. */
const TYPES: Partial<Record<string, FileType>> = {
  '0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/** How an entry's body is wanted: the size cap that applies, and the reducer when every wanting request shares one. */
export interface Want {
  limit: number;
  reduce?: FileRequest['reduce'];
}

/** Decides, per entry, whether any request wants its body. */
export function wanted(requests: readonly FileRequest[], info: FileInfo): Want | undefined {
  // Asked once per entry: nothing is allocated until some request wants it.
  let found = false;
  let limit = 0;
  let reduce: FileRequest['reduce'];
  let shared = true;
  for (const request of requests) {
    if (!request.wants(info)) continue;
    if (!found) reduce = request.reduce;
    else shared &&= request.reduce === reduce;
    found = true;
    limit = Math.max(limit, request.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
  }
  if (!found) return undefined;
  return shared && reduce ? { limit, reduce } : { limit };
}

/**
 * An entry with its body as wanted: reduced when a reducer applies, skipped with a warning when too
 * large, and handed to `store` (which may spill it to disk) when one is given.
 */
export function keepBody(warnings: ScanWarning[], info: FileInfo, want: Want, body: Buffer | undefined, store?: BodyStore): LayerEntry {
  if (!body) warnings.push({ path: info.path, message: `skipped: larger than ${want.limit} bytes`, source: 'image' });
  const kept = body && want.reduce ? want.reduce(info, body) : body;
  return kept ? { ...info, body: store ? store.keep(kept) : kept } : info;
}

/** Classifies an entry: whiteout bookkeeping, or a file to index (undefined for things to ignore). */
export function classifyEntry(info: FileInfo, content: Pick<LayerContent, 'whiteouts' | 'opaqueDirs'>): 'whiteout' | 'ignore' | 'file' {
  // Asked of every entry: the name is cut out of the path only for a whiteout.
  const slash = info.path.lastIndexOf('/');
  if (!info.path.startsWith(WHITEOUT_PREFIX, slash + 1)) return info.path === '' ? 'ignore' : 'file';
  const name = info.path.slice(slash + 1);
  const dir = dirname(info.path);
  if (name === OPAQUE_MARKER) content.opaqueDirs.push(dir);
  // Other `.wh..wh.` names are AUFS bookkeeping (hard-link dirs), never files.
  else if (!name.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) content.whiteouts.push(dir ? `${dir}/${name.slice(4)}` : name.slice(4));
  return 'whiteout';
}

function headerToInfo(header: TarHeader): FileInfo | undefined {
  const type = TYPES[header.typeflag];
  if (!type) return undefined;
  const info: FileInfo = {
    path: normalizeImagePath(header.name),
    type,
    mode: header.mode & 0o7777,
    size: type === 'file' ? header.size : 0,
    uid: header.uid,
    gid: header.gid,
  };
  if (type === 'symlink' && header.linkname) info.linkTarget = header.linkname;
  if (type === 'hardlink' && header.linkname) info.linkTarget = normalizeImagePath(header.linkname);
  return info;
}

export interface ReadLayerOptions {
  requests: readonly FileRequest[];
  /** Limit on the uncompressed size of the layer (decompression bombs). */
  maxLayerSize: number;
  /** Names the input in error messages. */
  what: string;
  /** Where kept bodies go (in memory when absent). */
  bodies?: BodyStore;
  /** Bytes of the blob as stored, when known: a large zstd blob may be decoded on a worker thread (PLIMSOLL_ZSTD_THREADS). */
  blobSize?: number;
}

/** Explains a low-level failure in words that name the layer. */
function layerError(err: unknown, what: string): Error {
  if (err instanceof DigestMismatchError || err instanceof InputError) return err;
  const message = errorMessage(err);
  if (err instanceof TarError) return new InputError(`${what}: not a valid tar archive (${message})`);
  if (/unexpected end of file|incorrect header check|invalid (block|distance|stored|code)|zstd/i.test(message)) {
    return new InputError(`${what}: corrupt or truncated compressed data (${message})`);
  }
  if (/tar|header/i.test(message)) return new InputError(`${what}: not a valid tar archive (${message})`);
  return new InputError(`${what}: ${message}`);
}

/**
 * Reads one layer as a stream: decompresses it, parses tar, records entries
 * and whiteouts, and keeps only the bodies some request wants.
 */
export async function readLayer(blob: Readable, ref: LayerRef, options: ReadLayerOptions): Promise<LayerContent> {
  const entries = new EntryLog(options.bodies);
  const content: LayerContent = { ref, entries, whiteouts: [], opaqueDirs: [], compression: 'none', tarBytes: 0, warnings: [] };
  // The layer's regular files by path, built at its first hard link (most layers have none).
  let files: Map<string, LayerEntry> | undefined;
  const keep = (entry: LayerEntry): void => {
    entries.push(entry);
    if (entry.type === 'file') files?.set(entry.path, entry);
  };
  // Not async: an entry whose body nobody wants (nearly all of them) is kept without a promise.
  const walk = await walkTar(blob, options, content, (info, body) => {
    if (info.type === 'hardlink') {
      if (!files) {
        files = new Map();
        for (const entry of entries) if (entry.type === 'file') files.set(entry.path, entry);
      }
      const target = info.linkTarget === undefined ? undefined : files.get(info.linkTarget);
      // Predicates see a hard link as the file it shares an inode with.
      const want = target && !target.body ? wanted(options.requests, { ...info, mode: target.mode, size: target.size }) : undefined;
      if (want) (content.linksAwaitingBodies ??= []).push({ link: info, want, position: entries.size });
      entries.push(info);
      return;
    }
    const want = info.type === 'file' ? wanted(options.requests, info) : undefined;
    if (!want) return keep(info);
    return body(want.limit).then((bytes) => keep(keepBody(content.warnings, info, want, bytes, options.bodies)));
  });
  content.compression = walk.compression;
  content.tarBytes = walk.tarBytes;
  content.diffId = walk.diffId;
  content.blobBytes = walk.blobBytes;
  return content;
}

/**
 * Reads a layer again for the bodies of the entries `pick` wants (files found wanted only once the
 * layers were merged): each kept body (reduced by its request) is handed to `onBody`.
 */
export async function readBodies(
  blob: Readable,
  ref: LayerRef,
  options: Omit<ReadLayerOptions, 'requests'>,
  pick: (info: FileInfo) => Want | undefined,
  onBody: (info: FileInfo, body: Body) => void,
): Promise<ScanWarning[]> {
  const warnings: ScanWarning[] = [];
  await walkTar(blob, options, { ref, whiteouts: [], opaqueDirs: [], warnings: [] }, async (info, body) => {
    const want = info.type === 'file' ? pick(info) : undefined;
    if (!want) return;
    const kept = keepBody(warnings, info, want, await body(want.limit), options.bodies);
    if (kept.body) onBody(info, kept.body);
  });
  return warnings;
}

/**
 * The second pass for {@link LayerContent.linksAwaitingBodies}: reads the layer again and gives each
 * waiting hard link its target's bytes, as its own body (reduced by its own request).
 */
export async function readHardLinkBodies(blob: Readable, content: LayerContent, options: Omit<ReadLayerOptions, 'requests'>): Promise<void> {
  const waiting = content.linksAwaitingBodies ?? [];
  const byTarget = new Map<string, AwaitingLink[]>();
  for (const w of waiting) {
    const target = w.link.linkTarget as string;
    const links = byTarget.get(target);
    if (links) links.push(w);
    else byTarget.set(target, [w]);
  }
  /** Bodies by the link's position among the layer's entries. */
  const bodies = new Map<number, Body>();
  // Warnings about the tar itself were given by the first pass.
  await walkTar(blob, options, { ref: content.ref, whiteouts: [], opaqueDirs: [], warnings: [] }, async (info, body) => {
    const links = info.type === 'file' ? byTarget.get(info.path) : undefined;
    if (!links) return;
    const bytes = await body(links.reduce((max, l) => Math.max(max, l.want.limit), 0));
    for (const { link, want, position } of links) {
      const kept = keepBody(
        content.warnings,
        { ...link, mode: info.mode, size: info.size },
        want,
        bytes && bytes.length <= want.limit ? bytes : undefined,
        options.bodies,
      );
      if (kept.body) bodies.set(position, kept.body);
    }
  });
  content.entries = EntryLog.from(
    content.entries,
    (entry, position) => {
      const body = bodies.get(position);
      return body ? { ...entry, body } : entry;
    },
    options.bodies,
  );
  delete content.linksAwaitingBodies;
}

/** What a walk over a layer learned besides its entries. */
export interface TarWalk {
  tarBytes: number;
  compression: Compression;
  /** sha256 of the uncompressed tar: what the config's `rootfs.diff_ids` must hold. */
  diffId: string;
  /** Bytes of the blob as stored. */
  blobBytes: number;
}

const END_WARNINGS: Partial<Record<TarEnd, string>> = {
  'no-marker': 'the tar has no end-of-archive marker; read to its end, as container runtimes do',
  'one-zero-block': 'the tar ends after one zero block instead of two; read as container runtimes do',
  unpadded: "the tar ends right after the last entry's data (no padding, no end-of-archive marker); read as container runtimes do",
};

/** Past how many bytes a metered stream fails, and how the error names it. */
interface ByteLimit {
  bytes: number;
  what: string;
}

/**
 * Counts the bytes that pass, hashing them when asked, without holding any. Past `limit`, fails: read
 * from a decoder, which decodes only as it is read, a decompression bomb stops there.
 */
async function* metered(source: AsyncIterable<Buffer>, meter: { bytes: number }, hash?: Hasher, limit?: ByteLimit): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    meter.bytes += chunk.length;
    if (limit && meter.bytes > limit.bytes) {
      throw new InputError(`${limit.what}: uncompressed size exceeds the limit of ${limit.bytes} bytes (--max-layer-size); possible decompression bomb`);
    }
    const taken = hash?.write(chunk);
    if (taken) await taken;
    streamedBytes(chunk.length);
    yield chunk;
  }
}

/**
 * Why a layer failed to decode or parse: a blob changed after it was named decodes to garbage long
 * before its end, where its digest is checked. The rest of a blob that is checked as it streams is read,
 * so that a digest mismatch, the root cause, is what is reported (only on this failing path).
 */
async function rootCause(blob: Readable, err: unknown): Promise<unknown> {
  // InputErrors (a digest mismatch among them) already say what is wrong.
  if (!(blob instanceof VerifyingStream) || err instanceof InputError || blob.destroyed) return err;
  try {
    for await (const _chunk of blob.iterator({ destroyOnReturn: false }));
  } catch (mismatch) {
    if (mismatch instanceof DigestMismatchError) return mismatch;
  }
  return err;
}

/**
 * Streams one layer blob (decompressed by its magic, size-limited) through tar as container runtimes
 * read it, calling `onEntry` for every indexable entry; the callback may read the body (up to a
 * limit) or leave it to be skipped. The tar is hashed on the way (its diff ID) and read to the end,
 * past the end-of-archive marker, so the blob's digest is checked too.
 */
async function walkTar(
  blob: Readable,
  options: Omit<ReadLayerOptions, 'requests'>,
  content: Pick<LayerContent, 'whiteouts' | 'opaqueDirs' | 'warnings'> & { ref: LayerRef },
  onEntry: (info: FileInfo, body: (limit: number) => Promise<Buffer | undefined>) => Promise<void> | void,
): Promise<TarWalk> {
  const what = options.what;
  const stages: Readable[] = [blob];
  const fail = (err: unknown): void => {
    for (const stage of stages) stage.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  let compression: Compression;
  try {
    compression = detectCompression(await peek(blob, 4));
  } catch (err) {
    throw layerError(err, what);
  }
  const blobMeter = { bytes: 0 };
  const decoder = decoderFor(compression, options.blobSize);
  if (decoder) {
    // A byte stream with a small buffer: as an object stream it would read up to 16 chunks (16 MiB
    // from a layout) ahead of the decoder, for each layer read at once.
    const stored = Readable.from(metered(blob, blobMeter), { objectMode: false, highWaterMark: STORED_READ_AHEAD });
    stages.push(stored, stored.pipe(decoder));
  }
  for (const stage of stages) stage.on('error', fail);
  // An uncompressed blob that is checked against a sha256 digest as it streams (and is read to its end
  // below, or the walk fails) is its own diff ID: hashing it a second time would double the cost.
  const verifiedAs = compression === 'none' && blob instanceof VerifyingStream && blob.algorithm === 'sha256' ? blob.digest : undefined;
  // A decoder on another thread may hash what it decodes there.
  const hashedBy = selfHashing(decoder);
  // The tar is larger than the blob: the blob's size says at least whether it is worth a worker.
  const hash = verifiedAs === undefined && !hashedBy ? hasherFor('sha256', options.blobSize ?? 0) : undefined;
  const tarMeter = { bytes: 0 };
  // A plain tar is read straight from the blob (its bytes are the tar's): no stream stages in between.
  const tar = stages.at(-1) as Readable;
  const source = new StreamSource(metered(tar, tarMeter, hash, { bytes: options.maxLayerSize, what })[Symbol.asyncIterator]());
  const warn = (message: string): void => {
    content.warnings.push({ message: `layer ${content.ref.digest}: ${message}`, source: 'image' });
  };
  let diffId: string;
  try {
    let end: TarEnd = 'marker';
    let v7 = false;
    await readTar(
      source,
      (e) => (end = e),
      (member) => {
        v7 ||= member.header.format === 'v7';
        const info = headerToInfo(member.header);
        if (info && classifyEntry(info, content) === 'file') return onEntry(info, member.body);
      },
    );
    if (v7) warn('old V7-format tar headers (read as container runtimes do)');
    const endWarning = END_WARNINGS[end];
    if (endWarning) warn(endWarning);
    // Runtimes stop at the marker: what follows is not in the filesystem, but it is in the digests.
    const after = await source.drain();
    if (after.nonZero > 0) warn(`${after.bytes} bytes after the end-of-archive marker ignored, as container runtimes ignore them`);
    diffId = hash ? `sha256:${await hash.digest()}` : (verifiedAs ?? `sha256:${hashedBy?.outputSha256()}`);
  } catch (err) {
    const cause = await rootCause(blob, err);
    fail(cause);
    throw layerError(cause, what);
  } finally {
    // Frees the hash's place on the worker when the walk failed (once the digest is out, does nothing).
    hash?.close();
  }
  return {
    tarBytes: tarMeter.bytes,
    compression,
    diffId,
    blobBytes: decoder ? blobMeter.bytes : tarMeter.bytes,
  };
}
