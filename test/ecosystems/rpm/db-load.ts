// Berkeley DB hash databases written by Berkeley DB's own db_load (CI installs db5.3-util),
// laid out as rpm lays out `Packages`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DB_LOAD = ['db5.3_load', 'db_load'].find((bin) => spawnSync(bin, ['-V']).status === 0);
export const noDbLoad = DB_LOAD ? undefined : 'Berkeley DB utilities are not installed (apt-get install db5.3-util)';

/** Builds a hash database with db_load from (key, value) pairs, in db_dump's bytevalue format. */
export function dbLoad(pairs: [Buffer, Buffer][], pageSize: number, bigEndian: boolean): Buffer {
  const dump = [
    'VERSION=3',
    'format=bytevalue',
    'type=hash',
    `db_pagesize=${pageSize}`,
    `db_lorder=${bigEndian ? 4321 : 1234}`,
    'HEADER=END',
    ...pairs.flatMap(([key, value]) => [` ${key.toString('hex')}`, ` ${value.toString('hex')}`]),
    'DATA=END',
    '',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-bdb-'));
  try {
    const result = spawnSync(DB_LOAD ?? 'db_load', [join(dir, 'Packages')], { input: dump, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`db_load failed: ${result.stderr}`);
    return readFileSync(join(dir, 'Packages'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** rpm's layout: key = header number in the writer's byte order; key 0 holds the next free number. */
export function rpmPairs(blobs: Buffer[], bigEndian: boolean): [Buffer, Buffer][] {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    if (bigEndian) b.writeUInt32BE(n);
    else b.writeUInt32LE(n);
    return b;
  };
  return [[u32(0), u32(blobs.length + 1)], ...blobs.map((blob, i): [Buffer, Buffer] => [u32(i + 1), blob])];
}
