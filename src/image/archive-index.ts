import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { normalizeImagePath } from './paths.js';
import { READ_CHUNK, openRegularFile } from './regular-file.js';
import { FileSource, TarError, readTar } from './tar.js';

/** One member of a tar archive on disk: where its body starts and how long it is. */
export interface ArchiveMember {
  name: string;
  offset: number;
  size: number;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  linkName?: string;
}

/** Members an image archive may hold: a few per layer; more is not an image. */
const MAX_MEMBERS = 100_000;

const TYPES: Record<string, ArchiveMember['type']> = { '0': 'file', '7': 'file', '5': 'dir', '2': 'symlink', '1': 'hardlink' };

/**
 * Reads only the headers of an uncompressed tar file (seeking over bodies), so
 * an image archive's blobs can be streamed in place; read as container runtimes read tar.
 */
export class ArchiveIndex {
  private constructor(
    readonly file: string,
    private readonly members: Map<string, ArchiveMember>,
  ) {}

  static async open(file: string, what: string): Promise<ArchiveIndex> {
    const opened = await openRegularFile(file, what);
    if (!opened) throw new InputError(`${what}: ${file} does not exist`);
    const { handle, size } = opened;
    try {
      const members = new Map<string, ArchiveMember>();
      const source = new FileSource(handle, size);
      try {
        await readTar(
          source,
          () => undefined,
          ({ header, offset }) => {
            if (members.size >= MAX_MEMBERS) throw new InputError(`${what}: more than ${MAX_MEMBERS} archive members; not an image archive`);
            const name = normalizeImagePath(header.name);
            const type = TYPES[header.typeflag] ?? 'other';
            members.set(name, { name, offset, size: header.size, type, ...(header.linkname ? { linkName: header.linkname } : {}) });
          },
        );
      } catch (err) {
        if (err instanceof TarError) throw new InputError(`${what}: not a valid tar archive (${err.message})`);
        throw err;
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

  /** A member's body, at most `limit` bytes of it. */
  stream(member: ArchiveMember, limit = member.size): Readable {
    const length = Math.min(member.size, limit);
    if (length <= 0) return Readable.from([]);
    return createReadStream(this.file, { start: member.offset, end: member.offset + length - 1, highWaterMark: READ_CHUNK });
  }
}
