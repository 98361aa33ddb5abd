// CISA's Known Exploited Vulnerabilities catalog, `known_exploited_vulnerabilities.json`:
// `{ title, catalogVersion, dateReleased, count, vulnerabilities: [{ cveID, ... }] }`.
import { readFile } from 'node:fs/promises';
import type { FeedItem, KevEntry } from '../types.js';
import { isObject } from './osv-record.js';

/** The real catalog is about 1.5 MB; this leaves room for years of growth and refuses garbage. */
const MAX_CATALOG_BYTES = 256 * 1024 * 1024;

const FIELDS = ['cveID', 'vendorProject', 'product', 'vulnerabilityName', 'dateAdded', 'dueDate', 'knownRansomwareCampaignUse', 'requiredAction'] as const;

export async function* readKev(path: string): AsyncGenerator<FeedItem> {
  const body = await readFile(path);
  if (body.length > MAX_CATALOG_BYTES) throw new Error(`${body.length} bytes is too large for the KEV catalog`);
  let catalog: unknown;
  try {
    catalog = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!isObject(catalog) || !Array.isArray(catalog.vulnerabilities)) throw new Error('not a KEV catalog: no "vulnerabilities" array');
  if (typeof catalog.count === 'number' && catalog.count !== catalog.vulnerabilities.length) {
    throw new Error(`the catalog says it has ${catalog.count} entries but holds ${catalog.vulnerabilities.length}`);
  }
  if (typeof catalog.dateReleased === 'string') yield { kind: 'data-date', date: catalog.dateReleased };
  for (const [i, value] of catalog.vulnerabilities.entries()) {
    if (!isObject(value) || typeof value.cveID !== 'string' || !/^CVE-\d{4}-\d{4,}$/.test(value.cveID)) throw new Error(`entry ${i}: no valid "cveID"`);
    const entry = Object.fromEntries(FIELDS.map((f) => [f, typeof value[f] === 'string' ? value[f] : ''])) as unknown as KevEntry;
    yield { kind: 'kev', entry };
  }
}
