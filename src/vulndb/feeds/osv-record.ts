// Checks that a parsed JSON value has the OSV shape the store and the matcher rely on.
import type { OsvRecord } from '../types.js';

/** Returns the record, or throws an Error saying what is wrong (the caller names the feed). */
export function checkOsvRecord(value: unknown): OsvRecord {
  if (!isObject(value)) throw new Error('not a JSON object');
  if (typeof value.id !== 'string' || value.id === '') throw new Error('no string "id"');
  for (const field of ['aliases', 'related', 'affected', 'references', 'severity'] as const) {
    if (value[field] !== undefined && value[field] !== null && !Array.isArray(value[field])) {
      throw new Error(`${value.id}: "${field}" is not an array`);
    }
  }
  for (const affected of (value.affected as unknown[] | undefined) ?? []) {
    if (!isObject(affected)) throw new Error(`${value.id}: an "affected" entry is not an object`);
    const pkg = affected.package;
    if (pkg === undefined) continue;
    if (!isObject(pkg) || typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string') {
      throw new Error(`${value.id}: an affected "package" lacks a string ecosystem and name`);
    }
  }
  return value as OsvRecord;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
