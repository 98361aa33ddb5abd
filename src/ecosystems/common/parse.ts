// Reading lock files and manifests without ever throwing: bad input becomes a warning naming the file.
import type { CapturedFile } from '../../image/files.js';
import { errorMessage } from '../../errors.js';
import type { ScanWarning } from '../../model/warning.js';
import { toml, yaml } from '../../lazy-require.js';

export type JsonObject = Record<string, unknown>;

/**
 * Largest lock file or manifest an analyzer reads. They are parsed whole, at about ten times their size
 * in memory (a 60 MB package-lock.json took 690 MB), so a larger one is skipped with a warning naming
 * it, which keeps a scan within its memory bound (150 MB) whatever the image holds.
 */
export const MAX_MANIFEST_SIZE = 3 * 1024 * 1024;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, or undefined when absent or of another type. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A text file's contents: UTF-8, or UTF-16 (Windows PowerShell's `pip freeze >` writes UTF-16LE with a
 * byte-order mark), with or without the mark; without one, ASCII text in UTF-16 shows as a NUL in
 * every other byte.
 */
export function text(file: CapturedFile): string {
  const body = file.body;
  const [b0, b1] = [body[0], body[1]];
  if (b0 === 0xff && b1 === 0xfe) return body.subarray(2).toString('utf16le');
  if (b0 === 0xfe && b1 === 0xff) return Buffer.from(body.subarray(2)).swap16().toString('utf16le');
  if (body.length >= 2 && body.length % 2 === 0 && b0 !== 0 && b1 === 0) return body.toString('utf16le');
  if (body.length >= 2 && body.length % 2 === 0 && b0 === 0 && b1 !== 0) return Buffer.from(body).swap16().toString('utf16le');
  return body.toString('utf8').replace(/^\uFEFF/, '');
}

/** The parsed document, or undefined (with a warning naming the file) when it does not parse. */
function parseWith(file: CapturedFile, what: string, warnings: ScanWarning[], parse: (text: string) => unknown): unknown {
  try {
    return parse(text(file));
  } catch (err) {
    warnings.push({ path: file.path, message: `malformed ${what}: ${errorMessage(err).split('\n')[0]}; skipped` });
    return undefined;
  }
}

/** A document whose top level must be a mapping (every lock file here but Composer 1's installed.json). */
function parseObject(file: CapturedFile, what: string, warnings: ScanWarning[], parse: (text: string) => unknown): JsonObject | undefined {
  const value = parseWith(file, what, warnings, parse);
  if (value === undefined || isObject(value)) return value;
  warnings.push({ path: file.path, message: `${what}: not a ${what === 'JSON' ? 'JSON object' : 'mapping'} at the top level; skipped` });
  return undefined;
}

export function parseJsonValue(file: CapturedFile, warnings: ScanWarning[]): unknown {
  return parseWith(file, 'JSON', warnings, JSON.parse);
}

export function parseJsonFile(file: CapturedFile, warnings: ScanWarning[]): JsonObject | undefined {
  return parseObject(file, 'JSON', warnings, JSON.parse);
}

export function parseTomlFile(file: CapturedFile, warnings: ScanWarning[]): JsonObject | undefined {
  return parseObject(file, 'TOML', warnings, (t) => toml().parse(t));
}

export function parseYamlFile(file: CapturedFile, warnings: ScanWarning[]): JsonObject | undefined {
  // Lock files are data: aliases are few, so a handful more is a hostile file.
  return parseObject(file, 'YAML', warnings, (t) => yaml().parse(t, { maxAliasCount: 100, uniqueKeys: false, logLevel: 'error' }));
}
