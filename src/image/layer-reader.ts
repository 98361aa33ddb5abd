import type { Readable, Writable } from 'node:stream';
import { extract as tarExtract, type Header } from 'tar-stream';
import { DigestMismatchError, InputError, errorMessage } from '../errors.js';
import { SizeLimit, decoderFor, detectCompression, peek, type Compression } from './decompress.js';
import type { FileInfo, FileRequest, FileType, LayerRef } from './files.js';
import { basename, dirname, normalizeImagePath } from './paths.js';
import type { ScanWarning } from '../model/package.js';

export const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;

/** One tar entry of a layer, with its body when a request wanted it. */
export interface LayerEntry extends FileInfo {
  body?: Buffer;
}

/** What one layer writes and deletes, before merging with the others. */
export interface LayerContent {
  ref: LayerRef;
  entries: LayerEntry[];
  /** Paths a `.wh.NAME` file deletes from lower layers. */
  whiteouts: string[];
  /** Directories whose lower-layer contents `.wh..wh..opq` hides. */
  opaqueDirs: string[];
  compression: Compression;
  /** Uncompressed bytes read. */
  tarBytes: number;
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
}

const TYPES: Partial<Record<Header['type'], FileType>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
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
  let want: Want | undefined;
  const reducers = new Set<FileRequest['reduce']>();
  for (const request of requests) {
    if (!request.wants(info)) continue;
    want = { limit: Math.max(want?.limit ?? 0, request.maxFileSize ?? DEFAULT_MAX_FILE_SIZE) };
    reducers.add(request.reduce);
  }
  const [reduce] = reducers;
  return want && reducers.size === 1 && reduce ? { ...want, reduce } : want;
}

/** Records an entry with its body as wanted: reduced when a reducer applies, skipped with a warning when too large. */
export function keepBody(content: Pick<LayerContent, 'entries' | 'warnings'>, info: FileInfo, want: Want, body: Buffer | undefined): LayerEntry {
  if (!body) content.warnings.push({ path: info.path, message: `skipped: larger than ${want.limit} bytes` });
  const kept = body && want.reduce ? want.reduce(info, body) : body;
  const entry = kept ? { ...info, body: kept } : info;
  content.entries.push(entry);
  return entry;
}

/** Classifies an entry: whiteout bookkeeping, or a file to index (undefined for things to ignore). */
export function classifyEntry(
  info: FileInfo,
  content: Pick<LayerContent, 'whiteouts' | 'opaqueDirs'>,
): 'whiteout' | 'ignore' | 'file' {
  const name = basename(info.path);
  if (!name.startsWith(WHITEOUT_PREFIX)) return info.path === '' ? 'ignore' : 'file';
  const dir = dirname(info.path);
  if (name === OPAQUE_MARKER) content.opaqueDirs.push(dir);
  // Other `.wh..wh.` names are AUFS bookkeeping (hard-link dirs), never files.
  else if (!name.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) content.whiteouts.push(dir ? `${dir}/${name.slice(4)}` : name.slice(4));
  return 'whiteout';
}

function headerToInfo(header: Header): FileInfo | undefined {
  const type = TYPES[header.type ?? 'file'];
  if (!type) return undefined;
  const info: FileInfo = {
    path: normalizeImagePath(header.name),
    type,
    mode: (header.mode ?? 0) & 0o7777,
    size: type === 'file' ? (header.size ?? 0) : 0,
    uid: header.uid,
    gid: header.gid,
  };
  if (type === 'symlink' && header.linkname) info.linkTarget = header.linkname;
  if (type === 'hardlink' && header.linkname) info.linkTarget = normalizeImagePath(header.linkname);
  return info;
}

async function readBody(entry: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length <= limit) chunks.push(chunk);
  }
  return length <= limit ? Buffer.concat(chunks, length) : undefined;
}

export interface ReadLayerOptions {
  requests: readonly FileRequest[];
  /** Limit on the uncompressed size of the layer (decompression bombs). */
  maxLayerSize: number;
  /** Names the input in error messages. */
  what: string;
}

/** Explains a low-level failure in words that name the layer. */
function layerError(err: unknown, what: string): Error {
  if (err instanceof DigestMismatchError || err instanceof InputError) return err;
  const message = errorMessage(err);
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
  const content: LayerContent = { ref, entries: [], whiteouts: [], opaqueDirs: [], compression: 'none', tarBytes: 0, warnings: [] };
  // The layer's regular files by path, built at its first hard link (most layers have none).
  let files: Map<string, LayerEntry> | undefined;
  const walk = await walkTar(blob, options, content, async (info, body) => {
    if (info.type === 'hardlink') {
      files ??= new Map(content.entries.filter((e) => e.type === 'file').map((e) => [e.path, e]));
      const target = info.linkTarget === undefined ? undefined : files.get(info.linkTarget);
      // Predicates see a hard link as the file it shares an inode with.
      const want = target && !target.body ? wanted(options.requests, { ...info, mode: target.mode, size: target.size }) : undefined;
      if (want) (content.linksAwaitingBodies ??= []).push({ link: info, want });
      content.entries.push(info);
      return;
    }
    const want = info.type === 'file' ? wanted(options.requests, info) : undefined;
    let entry: LayerEntry = info;
    if (want) entry = keepBody(content, info, want, await body(want.limit));
    else content.entries.push(info);
    if (entry.type === 'file') files?.set(entry.path, entry);
  });
  content.compression = walk.compression;
  content.tarBytes = walk.tarBytes;
  return content;
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
    byTarget.set(target, [...(byTarget.get(target) ?? []), w]);
  }
  const bodies = new Map<FileInfo, Buffer>();
  await walkTar(blob, options, { whiteouts: [], opaqueDirs: [] }, async (info, body) => {
    const links = info.type === 'file' ? byTarget.get(info.path) : undefined;
    if (!links) return;
    const bytes = await body(Math.max(...links.map((l) => l.want.limit)));
    for (const { link, want } of links) {
      const kept = keepBody({ entries: [], warnings: content.warnings }, { ...link, mode: info.mode, size: info.size }, want, bytes && bytes.length <= want.limit ? bytes : undefined);
      if (kept.body) bodies.set(link, kept.body);
    }
  });
  content.entries = content.entries.map((entry) => {
    const body = bodies.get(entry);
    return body ? { ...entry, body } : entry;
  });
  delete content.linksAwaitingBodies;
}

/**
 * Streams one layer blob (decompressed by its magic, size-limited) through tar, calling `onEntry` for
 * every indexable entry; the callback may read the body (up to a limit) or leave it to be skipped.
 */
async function walkTar(
  blob: Readable,
  options: Omit<ReadLayerOptions, 'requests'>,
  content: Pick<LayerContent, 'whiteouts' | 'opaqueDirs'>,
  onEntry: (info: FileInfo, body: (limit: number) => Promise<Buffer | undefined>) => Promise<void>,
): Promise<{ tarBytes: number; compression: Compression }> {
  const what = options.what;
  const extract = tarExtract();
  const fail = (err: unknown): void => {
    extract.destroy(layerError(err, what));
  };
  const stages: Readable[] = [blob];
  let compression: Compression;
  try {
    compression = detectCompression(await peek(blob, 4));
  } catch (err) {
    throw layerError(err, what);
  }
  const decoder = decoderFor(compression);
  if (decoder) stages.push(blob.pipe(decoder));
  const limiter = new SizeLimit(options.maxLayerSize, what);
  stages.push((stages.at(-1) as Readable).pipe(limiter));
  for (const stage of stages) stage.on('error', fail);
  limiter.pipe(extract as unknown as Writable);

  try {
    for await (const entry of extract) {
      const info = headerToInfo(entry.header);
      if (!info || classifyEntry(info, content) !== 'file') {
        entry.resume();
        continue;
      }
      let consumed = false;
      await onEntry(info, (limit) => {
        consumed = true;
        return readBody(entry as unknown as Readable, limit);
      });
      if (!consumed) entry.resume();
    }
  } catch (err) {
    for (const stage of stages) stage.destroy();
    throw layerError(err, what);
  }
  return { tarBytes: limiter.bytes, compression };
}
