// NVD records laid out one `cve` object per file, `CVE-YYYY/CVE-YYYY-NNNNN.json` (with or without
// fkie-cad/nvd-json-data-feeds' `CVE-YYYY-NNxx/` level): the mirror layout of ../shared/vulndata/nvd.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeedItem } from '../types.js';
import { toNvdRecord } from './record.js';

/** No NVD record comes near this (CVE-2021-44228, one of the largest, is 133 kB). */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export async function* readNvdDirectory(root: string): AsyncGenerator<FeedItem> {
  for (const year of (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && /^CVE-\d{4}$/.test(e.name))
    .map((e) => e.name)
    .sort()) {
    yield* readLevel(join(root, year));
  }
}

async function* readLevel(dir: string): AsyncGenerator<FeedItem> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && /^CVE-\d{4}-\d+x+$/.test(entry.name)) {
      yield* readLevel(path);
      continue;
    }
    if (!entry.isFile() || !/^CVE-\d{4}-\d+\.json$/.test(entry.name)) continue;
    const body = await readFile(path);
    if (body.length > MAX_RECORD_BYTES) throw new Error(`${entry.name}: ${body.length} bytes is too large for one NVD record`);
    let record;
    try {
      record = toNvdRecord(JSON.parse(body.toString('utf8')));
    } catch (err) {
      throw new Error(`${entry.name}: ${(err as Error).message}`, { cause: err });
    }
    if (`${record.id}.json` !== entry.name) throw new Error(`${entry.name}: holds ${record.id}`);
    yield { kind: 'nvd', record };
  }
}
