// One layer's record in the layer cache: its listing (entries' metadata, whiteouts, opaque
// directories; never a body) and what the analyzers found in it.
//
//   u32 listing length | listing (image/layer-listing.ts) | the analysis as JSON
import { InputError, errorMessage } from '../errors.js';
import type { LayerContent } from '../image/layer-reader.js';
import { decodeListing } from '../image/layer-listing.js';
import type { LayerRef } from '../model/layer.js';
import type { LayerAnalysis } from './applier.js';

/** `listing`: the layer's, from encodeListing. */
export function encodeRecord(listing: Buffer, analysis: LayerAnalysis): Buffer {
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32LE(listing.length);
  return Buffer.concat([length, listing, Buffer.from(JSON.stringify(analysis), 'utf8')]);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape the applier relies on (the analyzers' packages and warnings are lists). */
function checkAnalysis(value: unknown): LayerAnalysis {
  if (!isObject(value) || !isObject(value.analyzers) || !isObject(value.osFiles) || !Array.isArray(value.sources))
    throw new Error('analysis is not a layer analysis');
  for (const [name, result] of Object.entries(value.analyzers)) {
    if (!isObject(result) || !Array.isArray(result.packages) || !Array.isArray(result.warnings))
      throw new Error(`analysis of ${name} is not an analyzer result`);
    if (!result.packages.every((p) => isObject(p) && Array.isArray(p.locations) && isObject(p.locations[0])))
      throw new Error(`a package of ${name} has no location`);
  }
  return value as unknown as LayerAnalysis;
}

/** The layer as `ref` and its analysis; bytes that are not a whole record give a one-line InputError. */
export function decodeRecord(bytes: Buffer, ref: LayerRef): { content: LayerContent; analysis: LayerAnalysis } {
  if (bytes.length < 4 || 4 + bytes.readUInt32LE(0) > bytes.length) throw new InputError(`layer cache record of ${ref.digest}: cut short`);
  const end = 4 + bytes.readUInt32LE(0);
  const content = decodeListing(bytes.subarray(4, end), ref);
  try {
    return { content, analysis: checkAnalysis(JSON.parse(bytes.toString('utf8', end))) };
  } catch (err) {
    throw new InputError(`layer cache record of ${ref.digest}: ${errorMessage(err).split('\n')[0] ?? ''}`);
  }
}
