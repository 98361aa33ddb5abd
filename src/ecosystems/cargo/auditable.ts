// The dependency list `cargo auditable` embeds in Rust binaries: the `.dep-v0` ELF section holds
// zlib-compressed JSON (https://github.com/rust-secure-code/cargo-auditable, format "rust-audit-info").
import { inflateSync } from 'node:zlib';
import { errorMessage } from '../../errors.js';
import { ElfError, sectionData, type ElfFile } from '../common/binary/elf.js';

/** cargo auditable caps the JSON well below this; a larger inflation is a bomb. */
const MAX_JSON = 8 * 1024 * 1024;

export interface AuditableCrate {
  name: string;
  version: string;
  /** `crates.io`, `git`, `local`, `registry`, `builtin` or `other`. */
  source: string;
  /** `build` for build-time-only dependencies; runtime otherwise. */
  kind: string;
  root: boolean;
}

/** The crates of an inflated `.dep-v0` JSON document; throws on anything that is not that format. */
export function parseAuditJson(text: string): AuditableCrate[] {
  const doc = JSON.parse(text) as { packages?: unknown };
  if (!Array.isArray(doc.packages)) throw new Error('no "packages" array');
  return doc.packages.map((p: unknown, i) => {
    const crate = p as Partial<Record<'name' | 'version' | 'source' | 'kind', unknown>> & { root?: unknown };
    if (typeof crate.name !== 'string' || typeof crate.version !== 'string') throw new Error(`package ${i} lacks a name or version`);
    return {
      name: crate.name,
      version: crate.version,
      source: typeof crate.source === 'string' ? crate.source : 'crates.io',
      kind: typeof crate.kind === 'string' ? crate.kind : 'runtime',
      root: crate.root === true,
    };
  });
}

/** The crates recorded in a binary (`elf`, parsed), or undefined when it has no `.dep-v0` section. */
export function readAuditableCrates(body: Buffer, elf: ElfFile): AuditableCrate[] | undefined {
  const section = sectionData(body, elf, '.dep-v0');
  if (!section) return undefined;
  let json: Buffer;
  try {
    json = inflateSync(section, { maxOutputLength: MAX_JSON });
  } catch (err) {
    throw new ElfError(`.dep-v0 section does not inflate (${errorMessage(err)})`);
  }
  try {
    return parseAuditJson(json.toString('utf8'));
  } catch (err) {
    throw new ElfError(`.dep-v0 section is not cargo auditable JSON (${errorMessage(err)})`);
  }
}
