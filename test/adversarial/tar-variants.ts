// Tar archives written byte by byte, in the shapes real writers and hostile ones produce: what Go's
// archive/tar (containerd, Docker) accepts, what it refuses, and where it stops reading.

const BLOCK = 512;

export interface RawHeader {
  name: string;
  /** Type flag character; default '0'. */
  type?: string;
  size?: number;
  /** Raw bytes for the 12-byte size field (base-256, negative...), instead of `size`. */
  sizeField?: Buffer;
  mode?: number;
  linkname?: string;
  format?: 'ustar' | 'gnu' | 'v7';
  prefix?: string;
  /** Store a wrong checksum. */
  badChecksum?: boolean;
  /** Store the checksum as a signed sum of the bytes (old Sun tar), which Go accepts too. */
  signedChecksum?: boolean;
}

function octalField(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** One 512-byte header block with a correct checksum (unless asked otherwise). */
export function header(h: RawHeader): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(h.name, 0, 100, 'utf8');
  block.write(octalField(h.mode ?? 0o644, 8), 100, 'latin1');
  block.write(octalField(0, 8), 108, 'latin1');
  block.write(octalField(0, 8), 116, 'latin1');
  if (h.sizeField) h.sizeField.copy(block, 124);
  else block.write(octalField(h.size ?? 0, 12), 124, 'latin1');
  block.write(octalField(1_700_000_000, 12), 136, 'latin1');
  block.write(h.type ?? '0', 156, 'latin1');
  block.write(h.linkname ?? '', 157, 100, 'utf8');
  const format = h.format ?? 'ustar';
  if (format === 'ustar') block.write('ustar\u000000', 257, 'latin1');
  if (format === 'gnu') block.write('ustar  \u0000', 257, 'latin1');
  if (h.prefix) block.write(h.prefix, 345, 155, 'utf8');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += h.signedChecksum && b >= 128 ? b - 256 : b;
  block.write(`${(h.badChecksum ? sum + 1 : sum).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function pad(body: Buffer): Buffer {
  const rest = body.length % BLOCK;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(BLOCK - rest)]);
}

/** A member: header plus padded body. */
export function member(h: RawHeader, body: Buffer | string = ''): Buffer {
  const bytes = Buffer.from(body);
  return Buffer.concat([header({ size: bytes.length, ...h }), pad(bytes)]);
}

/** A PAX extended header (typeflag `x`) carrying `records`. */
export function paxHeader(records: Record<string, string>): Buffer {
  const text = Object.entries(records)
    .map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      let length = Buffer.byteLength(rest) + 1;
      while (String(length).length + Buffer.byteLength(rest) !== length) length++;
      return `${length}${rest}`;
    })
    .join('');
  return member({ name: 'PaxHeaders/x', type: 'x' }, text);
}

export const END = Buffer.alloc(2 * BLOCK);

/** A 12-byte base-256 size field (the high bit set; two's complement for negatives). */
export function base256(value: bigint): Buffer {
  const field = Buffer.alloc(12);
  let v = BigInt.asUintN(96, value);
  for (let i = 11; i >= 0; i--) {
    field[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  field[0] = ((field[0] ?? 0) & 0x7f) | 0x80;
  return field;
}

const entries = (): Buffer[] => [
  member({ name: 'etc/', type: '5', mode: 0o755 }),
  member({ name: 'etc/os-release' }, 'ID=test\n'),
  member({ name: 'etc/link', type: '2', linkname: 'os-release' }),
  member({ name: 'etc/hard', type: '1', linkname: 'etc/os-release' }),
];

export interface TarVariant {
  name: string;
  tar: Buffer;
  /** Whether archive/tar reads it to the end without an error. */
  readable: boolean;
}

/** Every variant: the differential test reads each with Go and with Plimsoll. */
export function tarVariants(): TarVariant[] {
  const normal = Buffer.concat([...entries(), END]);
  const last = member({ name: 'tail' }, 'x'.repeat(100));
  const v7 = Buffer.concat([
    member({ name: 'old/', type: '\0', format: 'v7', mode: 0o755 }),
    member({ name: 'old/file', type: '\0', format: 'v7' }, 'v7 body\n'),
    member({ name: 'old/sym', type: '2', format: 'v7', linkname: 'file' }),
    END,
  ]);
  return [
    { name: 'ustar with a file, a directory, a symlink and a hard link', tar: normal, readable: true },
    { name: 'an entry appended after the end-of-archive marker', tar: Buffer.concat([normal, member({ name: 'evil' }, 'hidden\n'), END]), readable: true },
    { name: 'non-zero junk after the end-of-archive marker', tar: Buffer.concat([normal, Buffer.from('trailing junk')]), readable: true },
    {
      name: 'a zero block in mid-stream',
      tar: Buffer.concat([...entries().slice(0, 2), Buffer.alloc(BLOCK), member({ name: 'after-zero' }, 'x'), END]),
      readable: false,
    },
    { name: 'no padding and no end blocks after the last entry', tar: Buffer.concat([...entries(), last.subarray(0, BLOCK + 100)]), readable: true },
    { name: 'padding cut short', tar: Buffer.concat([...entries(), last.subarray(0, BLOCK + 300)]), readable: true },
    { name: 'no end-of-archive marker', tar: Buffer.concat([...entries(), last]), readable: true },
    { name: 'one zero block at the end', tar: Buffer.concat([...entries(), Buffer.alloc(BLOCK)]), readable: true },
    { name: 'a zero block then a partial block', tar: Buffer.concat([...entries(), Buffer.alloc(BLOCK + 100)]), readable: false },
    { name: 'old V7 format (NUL type flag, directory by trailing slash)', tar: v7, readable: true },
    {
      name: 'GNU long name and long link',
      tar: Buffer.concat([
        member({ name: '././@LongLink', type: 'L', format: 'gnu' }, `${'d'.repeat(150)}/name\0`),
        member({ name: 'short', type: '0', format: 'gnu' }, 'long\n'),
        member({ name: '././@LongLink', type: 'K', format: 'gnu' }, `${'t'.repeat(120)}\0`),
        member({ name: 'l', type: '2', format: 'gnu', linkname: 'x' }),
        END,
      ]),
      readable: true,
    },
    { name: 'ustar prefix', tar: Buffer.concat([member({ name: 'file', prefix: 'usr/share/deep' }, 'p\n'), END]), readable: true },
    {
      name: 'PAX path, linkpath and size',
      tar: Buffer.concat([
        paxHeader({ path: `pax/${'p'.repeat(200)}`, size: '3' }),
        header({ name: 'ignored', size: 0 }),
        Buffer.from('abc'.padEnd(BLOCK, '\0')),
        paxHeader({ linkpath: 'pax-target' }),
        member({ name: 'plink', type: '2' }),
        END,
      ]),
      readable: true,
    },
    {
      name: 'PAX record with a zero length',
      tar: Buffer.concat([member({ name: 'p', type: 'x' }, '0 path=x\n'), member({ name: 'f' }, 'y'), END]),
      readable: false,
    },
    {
      name: 'PAX record longer than its header',
      tar: Buffer.concat([member({ name: 'p', type: 'x' }, '99 path=x\n'), member({ name: 'f' }, 'y'), END]),
      readable: false,
    },
    { name: 'PAX negative size', tar: Buffer.concat([paxHeader({ size: '-1024' }), member({ name: 'f' }), END]), readable: false },
    { name: 'PAX global header (ignored)', tar: Buffer.concat([member({ name: 'g', type: 'g' }, '15 comment=abc\n'), ...entries(), END]), readable: true },
    { name: 'base-256 size', tar: Buffer.concat([header({ name: 'b256', sizeField: base256(5n) }), pad(Buffer.from('12345')), END]), readable: true },
    { name: 'negative base-256 size', tar: Buffer.concat([header({ name: 'neg', sizeField: base256(-1024n) }), END]), readable: false },
    { name: 'size field that is not octal', tar: Buffer.concat([header({ name: 'bad', sizeField: Buffer.from('-0000001000\0') }), END]), readable: false },
    { name: 'a bad checksum in mid-stream', tar: Buffer.concat([...entries(), header({ name: 'bad', badChecksum: true }), END]), readable: false },
    { name: 'a body cut short', tar: Buffer.concat([...entries(), last.subarray(0, BLOCK + 50)]), readable: false },
    { name: 'a header cut short', tar: Buffer.concat([...entries(), last.subarray(0, 300)]), readable: false },
    {
      name: 'a hard link whose header declares a size (no body follows)',
      tar: Buffer.concat([header({ name: 'h', type: '1', linkname: 'etc/os-release', size: 4096 }), member({ name: 'after' }, 'a'), END]),
      readable: true,
    },
    {
      name: 'an unknown type flag with a body',
      tar: Buffer.concat([member({ name: 'vendor', type: 'X' }, 'vendor data'), member({ name: 'after' }, 'a'), END]),
      readable: true,
    },
  ];
}
