// A minimal ELF reader over an in-memory body: the section and program header tables, enough to
// find a named section and to read bytes at a virtual address (Go's build information points there).

/** A malformed or truncated ELF file; analyzers turn it into a warning naming the file. */
export class ElfError extends Error {}

export interface ElfSection {
  name: string;
  type: number;
  addr: bigint;
  offset: number;
  size: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
}

export interface ElfFile {
  is64: boolean;
  littleEndian: boolean;
  sections: ElfSection[];
  segments: ElfSegment[];
}

export const PT_LOAD = 1;
export const PF_W = 2;
export const PF_R = 4;
const SHT_NOBITS = 8;
const SHN_XINDEX = 0xffff;
const MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Cheap test on the first bytes, before any parsing. */
export function isElf(body: Buffer): boolean {
  return body.length >= 16 && body.subarray(0, 4).equals(MAGIC);
}

/** Reads integers of the file's class and byte order, throwing ElfError past the end. */
class Reader {
  constructor(
    readonly body: Buffer,
    readonly is64: boolean,
    readonly little: boolean,
  ) {}

  private check(offset: number, size: number): void {
    if (offset < 0 || offset + size > this.body.length)
      throw new ElfError(`truncated ELF file (needs bytes ${offset}..${offset + size} of ${this.body.length})`);
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.little ? this.body.readUInt16LE(offset) : this.body.readUInt16BE(offset);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.little ? this.body.readUInt32LE(offset) : this.body.readUInt32BE(offset);
  }

  u64(offset: number): bigint {
    this.check(offset, 8);
    return this.little ? this.body.readBigUInt64LE(offset) : this.body.readBigUInt64BE(offset);
  }

  /** An address-sized field (4 or 8 bytes). */
  addr(offset: number): bigint {
    return this.is64 ? this.u64(offset) : BigInt(this.u32(offset));
  }

  /** An address-sized offset or size, which must fit a JavaScript number. */
  num(offset: number): number {
    const value = this.addr(offset);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError('ELF offset out of range');
    return Number(value);
  }
}

function cString(body: Buffer, offset: number): string {
  if (offset >= body.length) return '';
  const end = body.indexOf(0, offset);
  return body.toString('latin1', offset, end < 0 ? body.length : end);
}

function readSegments(r: Reader, phoff: number, phentsize: number, phnum: number): ElfSegment[] {
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    segments.push(
      r.is64
        ? { type: r.u32(at), flags: r.u32(at + 4), offset: r.num(at + 8), vaddr: r.u64(at + 16), filesz: r.num(at + 32) }
        : { type: r.u32(at), offset: r.u32(at + 4), vaddr: BigInt(r.u32(at + 8)), filesz: r.u32(at + 16), flags: r.u32(at + 24) },
    );
  }
  return segments;
}

function readSections(r: Reader, shoff: number, shentsize: number, shnumField: number, shstrndxField: number): ElfSection[] {
  if (shoff === 0) return [];
  const at = (i: number): number => shoff + i * shentsize;
  // With 0xff00 or more sections, the real count and string-table index live in section 0.
  const shnum = shnumField === 0 ? r.num(at(0) + (r.is64 ? 32 : 20)) : shnumField;
  const shstrndx = shstrndxField === SHN_XINDEX ? r.u32(at(0) + (r.is64 ? 40 : 24)) : shstrndxField;
  if (shnum * shentsize > r.body.length) throw new ElfError(`ELF section table claims ${shnum} sections, more than the file holds`);
  const raw = Array.from({ length: shnum }, (_, i) => {
    const h = at(i);
    return r.is64
      ? { nameOff: r.u32(h), type: r.u32(h + 4), addr: r.u64(h + 16), offset: r.num(h + 24), size: r.num(h + 32) }
      : { nameOff: r.u32(h), type: r.u32(h + 4), addr: BigInt(r.u32(h + 12)), offset: r.u32(h + 16), size: r.u32(h + 20) };
  });
  const strtab = raw[shstrndx];
  return raw.map(({ nameOff, ...s }) => ({ ...s, name: strtab ? cString(r.body, strtab.offset + nameOff) : '' }));
}

/** Parses the ELF header and its tables; throws ElfError on anything malformed or cut short. */
export function parseElf(body: Buffer): ElfFile {
  if (!isElf(body)) throw new ElfError('not an ELF file');
  const cls = body[4];
  const data = body[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) throw new ElfError(`unknown ELF class ${cls} or byte order ${data}`);
  const r = new Reader(body, cls === 2, data === 1);
  const h = r.is64
    ? { phoff: r.num(0x20), shoff: r.num(0x28), phentsize: r.u16(0x36), phnum: r.u16(0x38), shentsize: r.u16(0x3a), shnum: r.u16(0x3c), shstrndx: r.u16(0x3e) }
    : { phoff: r.u32(0x1c), shoff: r.u32(0x20), phentsize: r.u16(0x2a), phnum: r.u16(0x2c), shentsize: r.u16(0x2e), shnum: r.u16(0x30), shstrndx: r.u16(0x32) };
  return {
    is64: r.is64,
    littleEndian: r.little,
    segments: readSegments(r, h.phoff, h.phentsize, h.phnum),
    sections: readSections(r, h.shoff, h.shentsize, h.shnum, h.shstrndx),
  };
}

/** The bytes of a named section; undefined when absent, ElfError when it runs past the file. */
export function sectionData(body: Buffer, elf: ElfFile, name: string): Buffer | undefined {
  const section = elf.sections.find((s) => s.name === name);
  if (!section || section.type === SHT_NOBITS) return undefined;
  if (section.offset + section.size > body.length) throw new ElfError(`section ${name} runs past the end of the file`);
  return body.subarray(section.offset, section.offset + section.size);
}

/**
 * Up to `size` bytes at a virtual address, through the loadable segments (or, for files without
 * program headers, the sections); fewer when the mapping ends first. Throws when nothing maps it.
 */
export function readAddress(body: Buffer, elf: ElfFile, addr: bigint, size: number): Buffer {
  const spans = [
    ...elf.segments.filter((s) => s.type === PT_LOAD).map((s) => ({ vaddr: s.vaddr, offset: s.offset, size: s.filesz })),
    ...elf.sections.filter((s) => s.type !== SHT_NOBITS && s.addr !== 0n).map((s) => ({ vaddr: s.addr, offset: s.offset, size: s.size })),
  ];
  for (const span of spans) {
    if (addr < span.vaddr || addr >= span.vaddr + BigInt(span.size)) continue;
    const start = span.offset + Number(addr - span.vaddr);
    const end = Math.min(start + size, span.offset + span.size);
    if (end > body.length) throw new ElfError(`address 0x${addr.toString(16)} lies past the end of the file`);
    return body.subarray(start, end);
  }
  throw new ElfError(`address 0x${addr.toString(16)} is not mapped by any segment`);
}
