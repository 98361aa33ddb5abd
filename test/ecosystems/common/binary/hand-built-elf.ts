// Hand-built ELF files for formats no tool on this machine writes: Go 1.13–1.17 stored its build
// information as pointers to Go string headers, which only that toolchain produces.

export interface PointerFormatOptions {
  ptrSize: 4 | 8;
  bigEndian: boolean;
  goVersion: string;
  modInfo: string;
  /** Points the module string at an unmapped address. */
  danglingModPointer?: boolean;
  /** Leaves out the section table, so the header must be found in the writable segment. */
  noSections?: boolean;
}

const BASE = 0x400000;
const DATA = 0x100;

/** An ELF (class from the pointer size) with one PT_LOAD mapping the file, `.go.buildinfo` and `.shstrtab`. */
export function pointerFormatElf(o: PointerFormatOptions): Buffer {
  const is64 = o.ptrSize === 8;
  const p = o.ptrSize;
  const sentinel = Buffer.alloc(16, 0xaa);
  const version = Buffer.from(o.goVersion);
  const mod = Buffer.concat([sentinel, Buffer.from(o.modInfo), sentinel]);
  const versionHdr = DATA + 32;
  const modHdr = versionHdr + 2 * p;
  const versionData = modHdr + 2 * p;
  const modData = versionData + version.length;
  const buildinfoEnd = modData + mod.length;
  const shstrtab = Buffer.from('\0.go.buildinfo\0.shstrtab\0');
  const shstrOff = buildinfoEnd;
  const shoff = Math.ceil((shstrOff + shstrtab.length) / 8) * 8;
  const shentsize = is64 ? 64 : 40;
  const body = Buffer.alloc(shoff + 3 * shentsize);

  const u16 = (at: number, v: number): number => (o.bigEndian ? body.writeUInt16BE(v, at) : body.writeUInt16LE(v, at));
  const u32 = (at: number, v: number): number => (o.bigEndian ? body.writeUInt32BE(v, at) : body.writeUInt32LE(v, at));
  const word = (at: number, v: number): void => {
    if (!is64) u32(at, v);
    else if (o.bigEndian) body.writeBigUInt64BE(BigInt(v), at);
    else body.writeBigUInt64LE(BigInt(v), at);
  };

  body.write('\x7fELF', 0, 'latin1');
  body[4] = is64 ? 2 : 1;
  body[5] = o.bigEndian ? 2 : 1;
  body[6] = 1;
  u16(16, 2); // ET_EXEC
  const phoff = is64 ? 64 : 52;
  if (is64) {
    word(0x20, phoff);
    word(0x28, o.noSections ? 0 : shoff);
    u16(0x36, 56);
    u16(0x38, 1);
    u16(0x3a, shentsize);
    u16(0x3c, o.noSections ? 0 : 3);
    u16(0x3e, 2);
    u32(phoff, 1); // PT_LOAD
    u32(phoff + 4, 6); // R+W
    word(phoff + 8, 0);
    word(phoff + 16, BASE);
    word(phoff + 32, body.length);
    word(phoff + 40, body.length);
  } else {
    u32(0x1c, phoff);
    u32(0x20, o.noSections ? 0 : shoff);
    u16(0x2a, 32);
    u16(0x2c, 1);
    u16(0x2e, shentsize);
    u16(0x30, o.noSections ? 0 : 3);
    u16(0x32, 2);
    u32(phoff, 1);
    u32(phoff + 4, 0);
    u32(phoff + 8, BASE);
    u32(phoff + 16, body.length);
    u32(phoff + 20, body.length);
    u32(phoff + 24, 6);
  }

  body.write('\xff Go buildinf:', DATA, 'latin1');
  body[DATA + 14] = p;
  body[DATA + 15] = o.bigEndian ? 1 : 0;
  word(DATA + 16, BASE + versionHdr);
  word(DATA + 16 + p, o.danglingModPointer ? 0x7fff0000 : BASE + modHdr);
  word(versionHdr, BASE + versionData);
  word(versionHdr + p, version.length);
  word(modHdr, BASE + modData);
  word(modHdr + p, mod.length);
  version.copy(body, versionData);
  mod.copy(body, modData);
  shstrtab.copy(body, shstrOff);

  const section = (index: number, name: number, type: number, addr: number, offset: number, size: number): void => {
    const at = shoff + index * shentsize;
    u32(at, name);
    u32(at + 4, type);
    if (is64) {
      word(at + 16, addr);
      word(at + 24, offset);
      word(at + 32, size);
    } else {
      u32(at + 12, addr);
      u32(at + 16, offset);
      u32(at + 20, size);
    }
  };
  section(1, 1, 1, BASE + DATA, DATA, buildinfoEnd - DATA); // .go.buildinfo, SHT_PROGBITS
  section(2, 15, 3, 0, shstrOff, shstrtab.length); // .shstrtab, SHT_STRTAB
  return body;
}
