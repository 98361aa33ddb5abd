// What the Go and Rust analyzers need from an executable, kept instead of the executable itself: a
// binary is read whole but reduced to this as soon as its layer hands it over, so an image full of
// large binaries never holds them all in memory.
import type { FileInfo } from '../../../image/files.js';
import { errorMessage } from '../../../errors.js';
import { readGoBuildInfo, type GoBuildInfo } from '../go-buildinfo.js';
import { readAuditableCrates, type AuditableCrate } from './auditable.js';
import { ElfError, isElf, parseElf } from './elf.js';

export interface ExecutableFacts {
  go?: GoBuildInfo;
  rust?: AuditableCrate[];
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

/** The facts of an ELF body; undefined when it is no ELF file or holds neither kind of data. */
export function executableFacts(body: Buffer): ExecutableFacts | undefined {
  if (!isElf(body)) return undefined;
  const errors: ExecutableFacts['errors'] = {};
  let elf;
  try {
    elf = parseElf(body);
  } catch (err) {
    if (!(err instanceof ElfError)) throw err;
    return { errors: { go: errorMessage(err), rust: errorMessage(err) } };
  }
  const go = attempt(() => readGoBuildInfo(body, elf), 'go', errors);
  const rust = attempt(() => readAuditableCrates(body), 'rust', errors);
  if (!go && !rust && !errors.go && !errors.rust) return undefined;
  return { ...(go ? { go } : {}), ...(rust ? { rust } : {}), errors };
}

/** `FileRequest.reduce` for executables: the body becomes its facts as JSON, or is dropped. */
export function reduceExecutable(_info: FileInfo, body: Buffer): Buffer | undefined {
  const facts = executableFacts(body);
  if (!facts) return undefined;
  return Buffer.from(JSON.stringify(facts, (_key, value: unknown) => (value instanceof Map ? { __map: [...value] } : value)));
}

/**
 * The facts of a captured executable: reduced JSON, or a whole ELF body when another request
 * (the hardening entry-binary check) kept it unreduced.
 */
export function readExecutableFacts(body: Buffer): ExecutableFacts | undefined {
  if (isElf(body)) return executableFacts(body);
  return JSON.parse(body.toString('utf8'), (_key, value: unknown) =>
    value && typeof value === 'object' && '__map' in value ? new Map((value as { __map: [string, string][] }).__map) : value,
  ) as ExecutableFacts;
}
