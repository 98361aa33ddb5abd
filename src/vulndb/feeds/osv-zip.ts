// Reads an OSV `all.zip` (one `<ID>.json` record per entry) with yauzl: it reads the central
// directory and then one entry at a time from the file, so the zip is never held in memory.
import { text } from 'node:stream/consumers';
import type { OsvRecord } from '../types.js';
import { checkOsvRecord } from './osv-record.js';

/** No single OSV record comes near this; a bigger entry is a broken or hostile zip. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export interface ZipReadCounts {
  withdrawn: number;
}

/** Yields every record that is not withdrawn; `counts.withdrawn` says how many were dropped. */
export async function* readOsvZip(path: string, counts: ZipReadCounts = { withdrawn: 0 }): AsyncGenerator<OsvRecord> {
  // Imported here: only a database build reads feed archives, not the scans that load this module.
  const { default: yauzl } = await import('yauzl');
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: true });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/') || !entry.fileName.endsWith('.json')) continue;
      if (entry.uncompressedSize > MAX_ENTRY_BYTES) throw new Error(`${entry.fileName}: entry of ${entry.uncompressedSize} bytes is too large`);
      const body = await text(await zip.openReadStreamPromise(entry));
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (err) {
        throw new Error(`${entry.fileName}: not valid JSON (${(err as Error).message})`, { cause: err });
      }
      let record: OsvRecord;
      try {
        record = checkOsvRecord(parsed);
      } catch (err) {
        throw new Error(`${entry.fileName}: ${(err as Error).message}`, { cause: err });
      }
      if (record.withdrawn) {
        counts.withdrawn++;
        continue;
      }
      yield record;
    }
  } finally {
    zip.close();
  }
}
