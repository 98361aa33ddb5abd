// One layer's listing as bytes, for the layer cache: every entry's metadata (never a body), its
// whiteouts and opaque directories, and what reading it learned (compression, sizes, diff ID,
// warnings). The entries are EntryLog records, so a decoded listing is an EntryLog read in place:
// no object per entry until one is walked.
//
//   "PLL" 0x01 | u32 header length | header (JSON) | the entries' records, one after the other
import { InputError, errorMessage } from '../errors.js';
import type { ScanWarning } from '../model/package.js';
import type { LayerRef } from '../model/layer.js';
import type { Compression } from './decompress.js';
import { EntryLog } from './entry-log.js';
import { checkRecord, recordShape, writeRecord } from './entry-record.js';
import type { LayerContent } from './layer-reader.js';

const MAGIC = Buffer.from('PLL\x01', 'latin1');
const PREFIX = MAGIC.length + 4;
/** Records are gathered in chunks of this size and joined once, so encoding never copies a growing buffer. */
const CHUNK = 1 << 20;
const COMPRESSIONS: readonly Compression[] = ['gzip', 'zstd', 'none'];

interface Header {
  count: number;
  compression: Compression;
  tarBytes: number;
  diffId?: string;
  blobBytes?: number;
  whiteouts: string[];
  opaqueDirs: string[];
  warnings: ScanWarning[];
}

/**
 * The listing of `content`. Bodies are left out, as are hard links still waiting for theirs (the
 * listing is what the layer holds, not what a scan still has to fetch).
 */
export function encodeListing(content: LayerContent): Buffer {
  const chunks: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  let count = 0;
  for (const entry of content.entries) {
    const { body: _body, ...info } = entry;
    const shape = recordShape(info);
    if (!shape) throw new RangeError(`layer listing: entry ${JSON.stringify(info.path)} has an owner or mode that cannot be stored`);
    if (used + shape.bytes > chunk.length) {
      chunks.push(chunk.subarray(0, used));
      chunk = Buffer.allocUnsafe(Math.max(CHUNK, shape.bytes));
      used = 0;
    }
    writeRecord(chunk, used, info, shape);
    used += shape.bytes;
    count++;
  }
  chunks.push(chunk.subarray(0, used));
  const header: Header = {
    count,
    compression: content.compression,
    tarBytes: content.tarBytes,
    ...(content.diffId !== undefined ? { diffId: content.diffId } : {}),
    ...(content.blobBytes !== undefined ? { blobBytes: content.blobBytes } : {}),
    whiteouts: content.whiteouts,
    opaqueDirs: content.opaqueDirs,
    warnings: content.warnings,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.allocUnsafe(PREFIX);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(json.length, MAGIC.length);
  return Buffer.concat([prefix, json, ...chunks]);
}

/**
 * The layer content a listing describes, as layer `ref`; its entries are read from `bytes` in place
 * (which must not change afterwards). Bytes that are not a whole, well-formed listing give a one-line
 * InputError.
 */
export function decodeListing(bytes: Buffer, ref: LayerRef): LayerContent {
  const fail = (why: string): InputError => new InputError(`layer listing of ${ref.digest}: ${why}`);
  if (bytes.length < PREFIX || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw fail('not a listing, or of another version');
  const jsonBytes = bytes.readUInt32LE(MAGIC.length);
  if (PREFIX + jsonBytes > bytes.length) throw fail('cut short');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8', PREFIX, PREFIX + jsonBytes));
  } catch (err) {
    throw fail(`bad header (${errorMessage(err).split('\n')[0] ?? ''})`);
  }
  const header = checkHeader(parsed);
  if (typeof header === 'string') throw fail(`bad header (${header})`);
  const records = bytes.subarray(PREFIX + jsonBytes);
  let at = 0;
  for (let i = 0; i < header.count; i++) {
    if (at >= records.length) throw fail(`${header.count} entries announced, ${i} present`);
    const end = checkRecord(records, at);
    if (typeof end === 'string') throw fail(`entry ${i}: ${end}`);
    at = end;
  }
  if (at !== records.length) throw fail(`${records.length - at} bytes after the last entry`);
  return {
    ref,
    entries: EntryLog.fromRecords(records, header.count),
    whiteouts: header.whiteouts,
    opaqueDirs: header.opaqueDirs,
    compression: header.compression,
    tarBytes: header.tarBytes,
    ...(header.diffId !== undefined ? { diffId: header.diffId } : {}),
    ...(header.blobBytes !== undefined ? { blobBytes: header.blobBytes } : {}),
    warnings: header.warnings,
  };
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isWarning = (w: unknown): w is ScanWarning =>
  typeof w === 'object' && w !== null && typeof (w as ScanWarning).message === 'string' && ['undefined', 'string'].includes(typeof (w as ScanWarning).path);

/** The header, or what is wrong with it. */
function checkHeader(value: unknown): Header | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const h = value as Partial<Record<keyof Header, unknown>>;
  if (!isCount(h.count)) return 'count';
  if (!COMPRESSIONS.includes(h.compression as Compression)) return 'compression';
  if (!isCount(h.tarBytes)) return 'tarBytes';
  if (h.diffId !== undefined && typeof h.diffId !== 'string') return 'diffId';
  if (h.blobBytes !== undefined && !isCount(h.blobBytes)) return 'blobBytes';
  if (!isStrings(h.whiteouts)) return 'whiteouts';
  if (!isStrings(h.opaqueDirs)) return 'opaqueDirs';
  if (!Array.isArray(h.warnings) || !h.warnings.every(isWarning)) return 'warnings';
  return value as Header;
}
