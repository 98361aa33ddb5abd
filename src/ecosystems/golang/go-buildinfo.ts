// Go build information (what `go version -m` prints), read from an ELF binary. The linker writes a
// 32-byte header starting with "\xff Go buildinf:" into `.go.buildinfo` (or the first writable data
// segment). Go 1.18+ put the version and module strings right after it, as varint-prefixed strings;
// Go 1.13–1.17 store two pointers to Go string headers instead, to be read through the ELF mapping.
import { ElfError, PF_R, PF_W, PT_LOAD, readAddress, sectionData, type ElfFile } from '../common/binary/elf.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const SEARCH_LIMIT = 64 * 1024;
const FLAG_BIG_ENDIAN = 0x1;
const FLAG_VERSION_INLINE = 0x2;
/** Sanity bound on a string the pointer format points at (module lists are a few KiB). */
const MAX_STRING = 16 * 1024 * 1024;

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  /** The `=>` line that replaces it: a module (with version) or a local directory (without). */
  replace?: { path: string; version: string; sum?: string };
}

export interface GoBuildInfo {
  /** The toolchain, e.g. `go1.19.8`. */
  goVersion: string;
  /** The main package path. */
  path?: string;
  /** The main module; absent for GOPATH-mode builds. */
  main?: GoModule;
  deps: GoModule[];
  /** `build` lines: `-trimpath`, `CGO_ENABLED`, `vcs.revision`... */
  settings: Map<string, string>;
}

/** Where the build information starts: the dedicated section, else the first writable data segment (as Go's debug/buildinfo looks). */
function dataStart(body: Buffer, elf: ElfFile): Buffer | undefined {
  const section = sectionData(body, elf, '.go.buildinfo');
  if (section) return section;
  const data = elf.segments.find((s) => s.type === PT_LOAD && (s.flags & (PF_R | PF_W | 1)) === (PF_R | PF_W));
  return data ? readAddress(body, elf, data.vaddr, SEARCH_LIMIT) : undefined;
}

/** Finds the header on a 16-byte boundary within the first 64 KiB. */
function findHeader(data: Buffer): Buffer | undefined {
  const limit = Math.min(data.length, SEARCH_LIMIT);
  for (let at = data.indexOf(MAGIC); at >= 0 && at < limit; at = data.indexOf(MAGIC, at + 1)) {
    if (at % 16 === 0) {
      if (at + HEADER_SIZE > data.length) throw new ElfError('Go build information header is truncated');
      return data.subarray(at);
    }
  }
  return undefined;
}

/** An unsigned LEB128 varint-prefixed string, as Go 1.18+ writes them. */
function varintString(data: Buffer, offset: number): { text: string; next: number } {
  let length = 0;
  let shift = 0;
  let at = offset;
  for (;;) {
    const byte = data[at++];
    if (byte === undefined || shift > 28) throw new ElfError('Go build information is truncated');
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  if (at + length > data.length) throw new ElfError('Go build information is truncated');
  return { text: data.toString('utf8', at, at + length), next: at + length };
}

/** The pointer format: `ptr` points at a Go string header `{data, len}`. */
function pointedString(body: Buffer, elf: ElfFile, ptr: bigint, ptrSize: number, bigEndian: boolean): string {
  const readPtr = (b: Buffer, at: number): bigint => {
    if (b.length < at + ptrSize) throw new ElfError('Go build information string header is truncated');
    if (ptrSize === 8) return bigEndian ? b.readBigUInt64BE(at) : b.readBigUInt64LE(at);
    return BigInt(bigEndian ? b.readUInt32BE(at) : b.readUInt32LE(at));
  };
  const header = readAddress(body, elf, ptr, 2 * ptrSize);
  const dataAddr = readPtr(header, 0);
  const length = readPtr(header, ptrSize);
  if (length === 0n) return '';
  if (length > BigInt(MAX_STRING)) throw new ElfError('Go build information string length is implausible');
  const data = readAddress(body, elf, dataAddr, Number(length));
  if (data.length < Number(length)) throw new ElfError('Go build information string is truncated');
  return data.toString('utf8');
}

/** The module string is framed by 16-byte sentinels; anything else means no module information. */
function stripSentinels(mod: string): string {
  return mod.length >= 33 && mod[mod.length - 17] === '\n' ? mod.slice(16, -16) : '';
}

function moduleFields(fields: string[]): GoModule | undefined {
  const [path, version = '', sum] = fields;
  return path ? { path, version, ...(sum ? { sum } : {}) } : undefined;
}

/** Parses the `path` / `mod` / `dep` / `=>` / `build` lines that `go version -m` prints. */
export function parseModInfo(goVersion: string, text: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, deps: [], settings: new Map() };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const [kind, ...fields] = line.split('\t');
    if (kind === 'path' && fields[0]) info.path = fields[0];
    else if (kind === 'mod') last = info.main = moduleFields(fields);
    else if (kind === 'dep') {
      last = moduleFields(fields);
      if (last) info.deps.push(last);
    } else if (kind === '=>' && last) {
      const [path, version = '', sum] = fields;
      if (path) last.replace = { path, version, ...(sum ? { sum } : {}) };
    } else if (kind === 'build' && fields[0]) {
      const setting = fields.join('\t');
      const eq = setting.indexOf('=');
      if (eq > 0) info.settings.set(setting.slice(0, eq), setting.slice(eq + 1));
      else info.settings.set(setting, '');
    }
  }
  return info;
}

/** The build information of a parsed ELF file, or undefined when it is not a Go binary. */
export function readGoBuildInfo(body: Buffer, elf: ElfFile): GoBuildInfo | undefined {
  const data = dataStart(body, elf);
  const header = data && findHeader(data);
  if (!header) return undefined;
  const ptrSize = header[14] ?? 0;
  const flags = header[15] ?? 0;
  let version: string;
  let mod: string;
  if (flags & FLAG_VERSION_INLINE) {
    const v = varintString(header, HEADER_SIZE);
    version = v.text;
    mod = varintString(header, v.next).text;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw new ElfError(`Go build information has an unknown pointer size ${ptrSize}`);
    const bigEndian = (flags & FLAG_BIG_ENDIAN) !== 0;
    const ptr = (at: number): bigint =>
      ptrSize === 8
        ? bigEndian
          ? header.readBigUInt64BE(at)
          : header.readBigUInt64LE(at)
        : BigInt(bigEndian ? header.readUInt32BE(at) : header.readUInt32LE(at));
    version = pointedString(body, elf, ptr(16), ptrSize, bigEndian);
    mod = pointedString(body, elf, ptr(16 + ptrSize), ptrSize, bigEndian);
  }
  if (!version.startsWith('go') && !version.startsWith('devel'))
    throw new ElfError(`Go build information has an unexpected version ${JSON.stringify(version.slice(0, 40))}`);
  return parseModInfo(version, stripSentinels(mod));
}
