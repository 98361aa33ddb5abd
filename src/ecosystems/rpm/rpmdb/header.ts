// RPM header blobs as the package databases store them: index count, data length,
// 16-byte index entries (tag, type, offset, count; big-endian), then the data store.

/** What Plimsoll needs from one installed package's header. */
export interface RpmHeader {
  name: string;
  epoch?: number;
  version: string;
  release: string;
  arch?: string;
  /** Source RPM file name, e.g. `util-linux-2.32.1-42.el8_8.src.rpm`; absent for gpg-pubkey entries. */
  sourceRpm?: string;
  license?: string;
  vendor?: string;
  modularityLabel?: string;
  /** Owned paths, relative to the image root (no leading slash). */
  files: string[];
  /** Those of `files` that rpm records as directories (shared between packages, unlike files). */
  directories: string[];
}

/** A header blob that cannot be trusted: lengths out of range, entries outside the data store. */
export class RpmHeaderError extends Error {}

const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  oldFilenames: 1027,
  fileModes: 1030,
  sourceRpm: 1044,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  modularityLabel: 5096,
} as const;

const TYPE = { int16: 3, int32: 4, string: 6, stringArray: 8, i18nString: 9 } as const;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
/** Byte size of one element of each fixed-size type (NULL, CHAR, INT8, INT16, INT32, INT64, -, BIN). */
const FIXED_SIZE: Record<number, number> = { 0: 0, 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1 };

// rpm's own limits (hdrblobVerifyInfo): no more tags or data than this in one header.
const MAX_TAGS = 0xffff;
const MAX_DATA = 0x0fffffff;
const ENTRY_SIZE = 16;

interface Entry {
  type: number;
  offset: number;
  count: number;
}

/** Parses a header blob; throws RpmHeaderError when it is malformed or lacks name, version or release. */
export function parseRpmHeader(blob: Buffer): RpmHeader {
  if (blob.length < 8) throw new RpmHeaderError(`header of ${blob.length} bytes is too short`);
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il === 0 || il > MAX_TAGS) throw new RpmHeaderError(`header claims ${il} index entries`);
  if (dl > MAX_DATA) throw new RpmHeaderError(`header claims ${dl} bytes of data`);
  const dataStart = 8 + il * ENTRY_SIZE;
  if (dataStart + dl > blob.length) {
    throw new RpmHeaderError(`header claims ${dataStart + dl} bytes but the blob has ${blob.length}`);
  }
  const data = blob.subarray(dataStart, dataStart + dl);

  // Later entries win: entries added after install ("dribbles") follow the immutable region and override it.
  const entries = new Map<number, Entry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * ENTRY_SIZE;
    const tag = blob.readUInt32BE(at);
    const entry: Entry = { type: blob.readUInt32BE(at + 4), offset: blob.readInt32BE(at + 8), count: blob.readUInt32BE(at + 12) };
    checkEntry(tag, entry, dl);
    entries.set(tag, entry);
  }

  const reader = new EntryReader(data, entries);
  const name = reader.string(TAG.name);
  const version = reader.string(TAG.version);
  const release = reader.string(TAG.release);
  if (name === undefined || version === undefined || release === undefined) {
    throw new RpmHeaderError('header lacks name, version or release');
  }
  const header: RpmHeader = { name, version, release, ...reader.files() };
  const epoch = reader.int32(TAG.epoch);
  if (epoch !== undefined) header.epoch = epoch;
  const optional = { arch: TAG.arch, sourceRpm: TAG.sourceRpm, license: TAG.license, vendor: TAG.vendor, modularityLabel: TAG.modularityLabel };
  for (const [field, tag] of Object.entries(optional) as [keyof typeof optional, number][]) {
    const value = reader.string(tag);
    if (value !== undefined && value !== '') header[field] = value;
  }
  return header;
}

function checkEntry(tag: number, entry: Entry, dl: number): void {
  const { type, offset, count } = entry;
  if (type > TYPE.i18nString) throw new RpmHeaderError(`tag ${tag} has unknown type ${type}`);
  if (offset < 0 || offset > dl) throw new RpmHeaderError(`tag ${tag} points outside the data (${offset} of ${dl})`);
  const size = FIXED_SIZE[type];
  // Region tags (61-63) hold a 16-byte trailer; their offset rules differ, so they are only range-checked.
  if (size !== undefined && (tag < 61 || tag > 63) && offset + count * size > dl) {
    throw new RpmHeaderError(`tag ${tag} overruns the data (${count} × ${size} bytes at ${offset} of ${dl})`);
  }
  if (size === undefined && count > dl - offset) {
    throw new RpmHeaderError(`tag ${tag} claims ${count} strings in ${dl - offset} bytes`);
  }
}

class EntryReader {
  constructor(
    private readonly data: Buffer,
    private readonly entries: Map<number, Entry>,
  ) {}

  /** A STRING or I18NSTRING (its first, untranslated value). */
  string(tag: number): string | undefined {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== TYPE.string && entry.type !== TYPE.i18nString && entry.type !== TYPE.stringArray) {
      throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not a string`);
    }
    return this.strings(tag, entry, 1)[0];
  }

  int32(tag: number): number | undefined {
    return this.int32s(tag)?.[0];
  }

  int32s(tag: number): number[] | undefined {
    return this.numbers(tag, TYPE.int32, 'int32', 4, (at) => this.data.readInt32BE(at));
  }

  uint16s(tag: number): number[] | undefined {
    return this.numbers(tag, TYPE.int16, 'int16', 2, (at) => this.data.readUInt16BE(at));
  }

  /** The `count` fixed-width numbers of a tag of the given type (checkEntry has bounded offset + count * width by the data length). */
  private numbers(tag: number, type: number, typeName: string, width: number, read: (at: number) => number): number[] | undefined {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== type) throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not ${typeName}`);
    return Array.from({ length: entry.count }, (_, i) => read(entry.offset + i * width));
  }

  stringArray(tag: number): string[] | undefined {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== TYPE.stringArray) throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not a string array`);
    return this.strings(tag, entry, entry.count);
  }

  /** `count` NUL-terminated strings from the entry's offset, each inside the data store. */
  private strings(tag: number, entry: Entry, count: number): string[] {
    const out: string[] = [];
    let at = entry.offset;
    for (let i = 0; i < count; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) throw new RpmHeaderError(`tag ${tag}: string ${i} is not terminated inside the data`);
      out.push(this.data.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  }

  /** Owned paths: BASENAMES joined to DIRNAMES through DIRINDEXES, or the older OLDFILENAMES; FILEMODES tells directories. */
  files(): Pick<RpmHeader, 'files' | 'directories'> {
    const baseNames = this.stringArray(TAG.baseNames);
    let paths: string[];
    if (baseNames) {
      const dirNames = this.stringArray(TAG.dirNames) ?? [];
      const dirIndexes = this.int32s(TAG.dirIndexes) ?? [];
      if (dirIndexes.length !== baseNames.length) {
        throw new RpmHeaderError(`${baseNames.length} file names but ${dirIndexes.length} directory indexes`);
      }
      paths = baseNames.map((base, i) => {
        const dir = dirNames[dirIndexes[i] ?? -1];
        if (dir === undefined) throw new RpmHeaderError(`file ${base} names directory ${dirIndexes[i]} of ${dirNames.length}`);
        return dir + base;
      });
    } else {
      paths = this.stringArray(TAG.oldFilenames) ?? [];
    }
    const modes = this.uint16s(TAG.fileModes) ?? [];
    const files: string[] = [];
    const directories: string[] = [];
    paths.forEach((raw, i) => {
      const path = raw.replace(/^\/+/, '');
      if (path === '') return;
      files.push(path);
      if (((modes[i] ?? 0) & S_IFMT) === S_IFDIR) directories.push(path);
    });
    return { files, directories };
  }
}
