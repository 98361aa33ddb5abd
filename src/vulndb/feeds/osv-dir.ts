// Reads a private feed: a directory tree of OSV `.json` records, or a zip of them, that an
// organisation writes itself (internal packages, embargoed issues).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OsvRecord } from '../types.js';
import { checkOsvRecord } from './osv-record.js';
import { readOsvZip, type ZipReadCounts } from './osv-zip.js';

export async function* readOsvDirectory(path: string, counts: ZipReadCounts = { withdrawn: 0 }): AsyncGenerator<OsvRecord> {
  if ((await stat(path)).isFile()) {
    yield* readOsvZip(path, counts);
    return;
  }
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) {
    let record: OsvRecord;
    try {
      record = checkOsvRecord(JSON.parse(await readFile(file, 'utf8')));
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
    }
    if (record.withdrawn) {
      counts.withdrawn++;
      continue;
    }
    yield record;
  }
}
