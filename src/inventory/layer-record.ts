// One layer's record in the layer cache: its listing (entries' metadata, whiteouts, opaque
// directories; never a body), what the analyzers found in it, the facts later passes read from its
// files (inventory/facts.ts: derived results, never a body) and, once a hardening scan read it, the
// secrets in it (masked, with keyed hashes: never a value).
//
//   u32 listing length | listing (image/layer-listing.ts) | { analysis, facts, secrets? } as JSON
import { InputError, errorMessage } from '../errors.js';
import type { LayerContent } from '../image/layer-reader.js';
import { decodeListing } from '../image/layer-listing.js';
import type { LayerRef } from '../model/layer.js';
import type { LayerAnalysis } from './applier.js';
import type { LayerFacts } from './facts.js';
import type { LayerSecret } from '../hardening/checks/secret-files.js';

/** One layer's record, decoded. */
export interface LayerRecord {
  content: LayerContent;
  analysis: LayerAnalysis;
  facts: LayerFacts;
  /** Absent when the scan that stored it did not look for secrets. */
  secrets?: LayerSecret[];
}

/** `listing`: the layer's, from encodeListing. */
export function encodeRecord(listing: Buffer, analysis: LayerAnalysis, facts: LayerFacts, secrets?: readonly LayerSecret[]): Buffer {
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32LE(listing.length);
  return Buffer.concat([length, listing, Buffer.from(JSON.stringify({ analysis, facts, ...(secrets ? { secrets } : {}) }), 'utf8')]);
}

/** A stored record (as `encodeRecord` made it) with its facts replaced by `facts`: the listing is copied as it is. */
export function withFacts(bytes: Buffer, facts: LayerFacts): Buffer {
  const end = 4 + bytes.readUInt32LE(0);
  const record = JSON.parse(bytes.toString('utf8', end)) as Record<string, unknown>;
  return Buffer.concat([bytes.subarray(0, end), Buffer.from(JSON.stringify({ ...record, facts }), 'utf8')]);
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

/** Each fact's version and values by path (what a value holds is the fact's own business). */
function checkFacts(value: unknown): LayerFacts {
  if (!isObject(value)) throw new Error('facts are not a mapping');
  for (const [name, fact] of Object.entries(value))
    if (!isObject(fact) || typeof fact.version !== 'number' || !isObject(fact.whole) || (fact.reduced !== undefined && !isObject(fact.reduced)))
      throw new Error(`fact ${name} is not a fact's values`);
  return value as unknown as LayerFacts;
}

const SECRET_FIELDS = ['path', 'rule', 'evidence', 'severity', 'hash'] as const;

function checkSecrets(value: unknown): LayerSecret[] {
  if (!Array.isArray(value)) throw new Error('secrets are not a list');
  for (const s of value as unknown[])
    if (!isObject(s) || typeof s.line !== 'number' || SECRET_FIELDS.some((f) => typeof s[f] !== 'string')) throw new Error('a secret is not a layer secret');
  return value as LayerSecret[];
}

/** The layer as `ref`, its analysis and its secrets; bytes that are not a whole record give a one-line InputError. */
export function decodeRecord(bytes: Buffer, ref: LayerRef): LayerRecord {
  if (bytes.length < 4 || 4 + bytes.readUInt32LE(0) > bytes.length) throw new InputError(`layer cache record of ${ref.digest}: cut short`);
  const end = 4 + bytes.readUInt32LE(0);
  const content = decodeListing(bytes.subarray(4, end), ref);
  try {
    const record: unknown = JSON.parse(bytes.toString('utf8', end));
    if (!isObject(record)) throw new Error('not a record');
    return {
      content,
      analysis: checkAnalysis(record.analysis),
      facts: checkFacts(record.facts),
      ...(record.secrets !== undefined ? { secrets: checkSecrets(record.secrets) } : {}),
    };
  } catch (err) {
    throw new InputError(`layer cache record of ${ref.digest}: ${errorMessage(err).split('\n')[0] ?? ''}`);
  }
}
