import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { normalizeImagePath } from './paths.js';

/** One member of a tar archive on disk: where its body starts and how long it is. */
export interface ArchiveMember {
  name: string;
  offset: number;
  size: number;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  linkName?: string;
}

const BLOCK = 512;

function cString(buf: Buffer, start: number, length: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end >= start && end < start + length ? end : start + length);
}

/** Tar numeric fields: octal text, or base-256 when the high bit is set (GNU, for sizes ≥ 8 GiB). */
function tarNumber(buf: Buffer, start: number, length: number): number {
  const first = buf[start] ?? 0;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (buf[i] ?? 0);
    return value;
  }
  const text = cString(buf, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  return sum === tarNumber(header, 148, 8);
}

function parsePax(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space < 0) break;
    const length = parseInt(body.toString('utf8', pos, space), 10);
    if (!Number.isFinite(length) || length <= 0 || pos + length > body.length) break;
    const record = body.toString('utf8', space + 1, pos + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return records;
}

/**
 * Reads only the headers of an uncompressed tar file (seeking over bodies), so
 * an image archive's blobs can be streamed in place. Handles ustar prefixes,
 * PAX `path`/`linkpath`/`size` records and GNU long names.
 */
export class ArchiveIndex {
  private constructor(
    readonly file: string,
    private readonly members: Map<string, ArchiveMember>,
  ) {}

  static async open(file: string, what: string): Promise<ArchiveIndex> {
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      throw new InputError(`${what}: cannot open ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      const { size: fileSize } = await handle.stat();
      const members = new Map<string, ArchiveMember>();
      const header = Buffer.alloc(BLOCK);
      let pos = 0;
      let pending: { path?: string; linkpath?: string; size?: number } = {};
      while (pos + BLOCK <= fileSize) {
        await handle.read(header, 0, BLOCK, pos);
        if (header.every((b) => b === 0)) break;
        if (!checksumOk(header)) throw new InputError(`${what}: not a tar archive (bad header at offset ${pos})`);
        const typeflag = String.fromCharCode(header[156] ?? 48);
        const size = pending.size ?? tarNumber(header, 124, 12);
        const bodyStart = pos + BLOCK;
        if (bodyStart + size > fileSize) throw new InputError(`${what}: archive is truncated`);
        const next = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
        if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
          if (size > 1024 * 1024) throw new InputError(`${what}: oversized tar extension header`);
          const body = Buffer.alloc(size);
          await handle.read(body, 0, size, bodyStart);
          if (typeflag === 'x') {
            const pax = parsePax(body);
            pending = { ...pending, path: pax.path ?? pending.path, linkpath: pax.linkpath ?? pending.linkpath, size: pax.size ? Number(pax.size) : pending.size };
          } else if (typeflag === 'L') pending.path = cString(body, 0, size);
          else pending.linkpath = cString(body, 0, size);
          pos = next;
          continue;
        }
        if (typeflag === 'g') {
          pos = next;
          continue;
        }
        const magic = header.toString('latin1', 257, 262);
        const prefix = magic === 'ustar' ? cString(header, 345, 155) : '';
        const rawName = pending.path ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
        const linkName = pending.linkpath ?? cString(header, 157, 100);
        const name = normalizeImagePath(rawName);
        const type = typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : typeflag === '1' ? 'hardlink' : 'other';
        members.set(name, { name, offset: bodyStart, size, type, ...(linkName ? { linkName } : {}) });
        pending = {};
        pos = next;
      }
      return new ArchiveIndex(file, members);
    } finally {
      await handle.close();
    }
  }

  /** Finds a regular file by name, following archive-internal symlinks and hard links (docker save uses both). */
  find(name: string): ArchiveMember | undefined {
    let path = normalizeImagePath(name);
    for (let hops = 0; hops < 16; hops++) {
      const member = this.members.get(path);
      if (!member) return undefined;
      if (member.type === 'file') return member;
      if (member.type === 'hardlink' && member.linkName) path = normalizeImagePath(member.linkName);
      else if (member.type === 'symlink' && member.linkName) {
        const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
        path = normalizeImagePath(member.linkName.startsWith('/') ? member.linkName : `${dir}/${member.linkName}`);
      } else return undefined;
    }
    return undefined;
  }

  async read(member: ArchiveMember, limit: number, what: string): Promise<Buffer> {
    if (member.size > limit) throw new InputError(`${what}: ${member.name} is too large (${member.size} bytes)`);
    const handle = await open(this.file, 'r');
    try {
      const body = Buffer.alloc(member.size);
      await handle.read(body, 0, member.size, member.offset);
      return body;
    } finally {
      await handle.close();
    }
  }

  stream(member: ArchiveMember): Readable {
    if (member.size === 0) return Readable.from([]);
    return createReadStream(this.file, { start: member.offset, end: member.offset + member.size - 1, highWaterMark: 1024 * 1024 });
  }
}
