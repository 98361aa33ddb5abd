// What the Go, Rust and fingerprint analyzers need from an executable (or a runtime's version
// file), kept instead of the file itself: it is read whole but reduced to this as soon as its layer
// hands it over, so an image full of large binaries never holds them all in memory. One reducer
// serves all three because a file's body is reduced only when every request wanting it agrees.
import type { FileInfo } from '../../../image/files.js';
import { errorMessage } from '../../../errors.js';
import { readGoBuildInfo, type GoBuildInfo } from '../../golang/go-buildinfo.js';
import { readAuditableCrates, type AuditableCrate } from '../../cargo/auditable.js';
import { ElfError, isElf, parseElf } from './elf.js';
import { fingerprint, type Fingerprint } from '../../binary/fingerprint.js';

export interface ExecutableFacts {
  go?: GoBuildInfo;
  rust?: AuditableCrate[];
  /** The version a binary classifier read; never set for a Go binary, which its build information identifies. */
  fingerprint?: Fingerprint;
  /** Why a part could not be read (an ElfError message), by part. */
  errors: { go?: string; rust?: string };
}

type Part = 'go' | 'rust';

function attempt<T>(read: () => T | undefined, part: Part, errors: ExecutableFacts['errors']): T | undefined {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ElfError)) throw err;
    errors[part] = errorMessage(err);
    return undefined;
  }
}

/** The facts of a file; undefined when it holds none (neither Go nor Rust data, nor a classifier's version). */
export function executableFacts(path: string, body: Buffer): ExecutableFacts | undefined {
  if (!isElf(body)) {
    const fp = fingerprint(path, body);
    return fp ? { fingerprint: fp, errors: {} } : undefined;
  }
  const errors: ExecutableFacts['errors'] = {};
  let elf;
  try {
    elf = parseElf(body);
  } catch (err) {
    if (!(err instanceof ElfError)) throw err;
    return { errors: { go: errorMessage(err), rust: errorMessage(err) } };
  }
  const go = attempt(() => readGoBuildInfo(body, elf), 'go', errors);
  const rust = attempt(() => readAuditableCrates(body, elf), 'rust', errors);
  const fp = go ? undefined : fingerprint(path, body);
  if (!go && !rust && !fp && !errors.go && !errors.rust) return undefined;
  return { ...(go ? { go } : {}), ...(rust ? { rust } : {}), ...(fp ? { fingerprint: fp } : {}), errors };
}

/** Marks a reduced body, so that it is never mistaken for a file another request kept whole. */
const REDUCED = Buffer.from('plimsoll executable facts\n');

/** `FileRequest.reduce` for executables: the body becomes its facts as JSON, or is dropped. */
export function reduceExecutable(info: FileInfo, body: Buffer): Buffer | undefined {
  const facts = executableFacts(info.path, body);
  if (!facts) return undefined;
  return Buffer.concat([REDUCED, Buffer.from(JSON.stringify(facts, (_key, value: unknown) => (value instanceof Map ? { __map: [...value] } : value)))]);
}

/**
 * The facts of a captured file: reduced JSON, or the whole body when another request (the
 * hardening entry-binary check) kept it unreduced.
 */
export function readExecutableFacts(file: { path: string; body: Buffer }): ExecutableFacts | undefined {
  if (!file.body.subarray(0, REDUCED.length).equals(REDUCED)) return executableFacts(file.path, file.body);
  return JSON.parse(file.body.toString('utf8', REDUCED.length), (_key, value: unknown) =>
    value && typeof value === 'object' && '__map' in value ? new Map((value as { __map: [string, string][] }).__map) : value,
  ) as ExecutableFacts;
}
