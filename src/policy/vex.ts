// VEX documents: statements by a supplier or the user that a vulnerability does not affect a
// product, or is fixed in it. OpenVEX (https://github.com/openvex/spec) and CycloneDX VEX (a BOM
// whose `vulnerabilities[]` carry `analysis.state`) are read into one statement shape.
import { readFileSync } from 'node:fs';
import { InputError, errorMessage } from '../errors.js';

export type VexStatus = 'not_affected' | 'fixed' | 'affected' | 'under_investigation';

export interface VexStatement {
  vulnerability: string;
  /** purls or CycloneDX bom-refs; the image itself (`pkg:oci/...`, `pkg:docker/...`) covers every package in it. */
  products: string[];
  status: VexStatus;
  justification?: string;
  /** `FILE (openvex)` or `FILE (cyclonedx)`, for the report's suppression counts. */
  origin: string;
}

const CDX_STATE: Record<string, VexStatus> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};
const OPENVEX_STATUS = new Set<string>(['not_affected', 'fixed', 'affected', 'under_investigation']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenVEX products: `{"@id": purl, "identifiers": {"purl": ...}, "subcomponents": [...]}` or plain strings (v0.0.x). */
function openVexProducts(products: unknown): string[] {
  if (!Array.isArray(products)) return [];
  return products.flatMap((p): string[] => {
    if (typeof p === 'string') return [p];
    if (!isObject(p)) return [];
    const subs = openVexProducts(p.subcomponents);
    if (subs.length > 0) return subs;
    const ids = isObject(p.identifiers) ? p.identifiers : {};
    return [p['@id'], ids.purl].filter((x): x is string => typeof x === 'string');
  });
}

function fromOpenVex(doc: Json, origin: string): VexStatement[] {
  if (!Array.isArray(doc.statements)) throw new InputError(`${origin}: OpenVEX document without 'statements'`);
  return doc.statements.map((s: unknown, i) => {
    if (!isObject(s)) throw new InputError(`${origin}: statement ${i + 1} is not an object`);
    const v = s.vulnerability;
    const vulnerability = typeof v === 'string' ? v : isObject(v) && typeof v.name === 'string' ? v.name : undefined;
    if (!vulnerability) throw new InputError(`${origin}: statement ${i + 1} names no vulnerability`);
    if (typeof s.status !== 'string' || !OPENVEX_STATUS.has(s.status))
      throw new InputError(`${origin}: statement ${i + 1} has invalid status '${String(s.status)}'`);
    return {
      vulnerability,
      products: openVexProducts(s.products),
      status: s.status as VexStatus,
      ...(typeof s.justification === 'string' ? { justification: s.justification } : {}),
      origin,
    };
  });
}

function fromCycloneDx(doc: Json, origin: string): VexStatement[] {
  const vulns = Array.isArray(doc.vulnerabilities) ? doc.vulnerabilities : [];
  return vulns.flatMap((v: unknown): VexStatement[] => {
    if (!isObject(v) || typeof v.id !== 'string') return [];
    const analysis = isObject(v.analysis) ? v.analysis : {};
    const status = typeof analysis.state === 'string' ? CDX_STATE[analysis.state] : undefined;
    if (!status) return [];
    const products = (Array.isArray(v.affects) ? v.affects : []).flatMap((a: unknown) => (isObject(a) && typeof a.ref === 'string' ? [a.ref] : []));
    return [
      { vulnerability: v.id, products, status, ...(typeof analysis.justification === 'string' ? { justification: analysis.justification } : {}), origin },
    ];
  });
}

/** Parses a VEX document (OpenVEX or CycloneDX JSON); `file` names it in messages. */
export function parseVex(text: string, file: string): VexStatement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${errorMessage(err)})`);
  }
  if (!isObject(doc)) throw new InputError(`${file}: not a VEX document`);
  if (typeof doc['@context'] === 'string' && doc['@context'].includes('openvex')) return fromOpenVex(doc, `${file} (openvex)`);
  if (doc.bomFormat === 'CycloneDX') return fromCycloneDx(doc, `${file} (cyclonedx)`);
  throw new InputError(`${file}: neither an OpenVEX document ('@context' openvex) nor a CycloneDX BOM`);
}

export function readVexFile(file: string): VexStatement[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read VEX file (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  return parseVex(text, file);
}
