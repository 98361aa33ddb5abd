// The CISA KEV reader on the real catalog of the shared mirror, checked against the same file
// parsed here with JSON.parse; a catalog that contradicts itself or is not JSON is one line.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readKev } from '../../src/vulndb/feeds/kev.js';
import type { FeedItem, KevEntry } from '../../src/vulndb/types.js';
import { MIRROR } from './mirror-truth.js';

const CATALOG = join(MIRROR, 'kev', 'known_exploited_vulnerabilities.json');

interface RawCatalog {
  dateReleased: string;
  count: number;
  vulnerabilities: Record<string, unknown>[];
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-kev-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

async function collect(path: string): Promise<FeedItem[]> {
  const out: FeedItem[] = [];
  for await (const item of readKev(path)) out.push(item);
  return out;
}

async function rejectsInOneLine(text: string, pattern: RegExp): Promise<void> {
  const path = join(work, 'catalog.json');
  writeFileSync(path, text);
  await assert.rejects(collect(path), (err: Error) => {
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

describe('the KEV catalog', { skip: existsSync(CATALOG) ? undefined : `no KEV catalog at ${CATALOG}` }, () => {
  let raw: RawCatalog;
  before(() => {
    raw = JSON.parse(readFileSync(CATALOG, 'utf8')) as RawCatalog;
  });

  test('every entry, with the fields a finding carries, and the release date first', async () => {
    const items = await collect(CATALOG);
    assert.deepEqual(items[0], { kind: 'data-date', date: '2025-08-25T17:04:19.9796Z' });
    const entries = items.slice(1).map((item) => (item.kind === 'kev' ? item.entry : assert.fail(`unexpected ${item.kind}`)));
    assert.equal(entries.length, 1404);
    assert.equal(raw.count, 1404);
    const fields = ['cveID', 'vendorProject', 'product', 'vulnerabilityName', 'dateAdded', 'dueDate', 'knownRansomwareCampaignUse', 'requiredAction'];
    assert.deepEqual(
      entries,
      raw.vulnerabilities.map((v) => Object.fromEntries(fields.map((f) => [f, v[f]]))),
    );

    const byCve = new Map<string, KevEntry>(entries.map((e) => [e.cveID, e]));
    assert.deepEqual(byCve.get('CVE-2022-22965'), {
      cveID: 'CVE-2022-22965',
      vendorProject: 'VMware',
      product: 'Spring Framework',
      vulnerabilityName: 'Spring Framework JDK 9+ Remote Code Execution Vulnerability',
      dateAdded: '2022-04-04',
      dueDate: '2022-04-25',
      knownRansomwareCampaignUse: 'Unknown',
      requiredAction: 'Apply updates per vendor instructions.',
    });
    const log4shell = byCve.get('CVE-2021-44228');
    assert.deepEqual(
      { dateAdded: log4shell?.dateAdded, dueDate: log4shell?.dueDate, ransomware: log4shell?.knownRansomwareCampaignUse },
      { dateAdded: '2021-12-10', dueDate: '2021-12-24', ransomware: 'Known' },
    );
    // The catalog escapes "/" as "\/": the URL in the required action comes out whole.
    assert.match(
      log4shell?.requiredAction ?? '',
      /measures provided at https:\/\/www\.cisa\.gov\/uscert\/ed-22-02-apache-log4j-recommended-mitigation-measures are only acceptable/,
    );
  });

  test('a count that disagrees with the entries is refused', async () => {
    await rejectsInOneLine(JSON.stringify({ ...raw, count: 1403 }), /^the catalog says it has 1403 entries but holds 1404$/);
  });

  test('a cut-off file is refused as not JSON', async () => {
    const text = readFileSync(CATALOG, 'utf8');
    await rejectsInOneLine(text.slice(0, text.length >> 1), /^not valid JSON \(/);
  });
});

test('another JSON document, or an entry without a CVE id, is refused', async () => {
  await rejectsInOneLine('{"title":"x","count":0}', /^not a KEV catalog: no "vulnerabilities" array$/);
  await rejectsInOneLine('{"count":1,"vulnerabilities":[{"cveID":"GHSA-1"}]}', /^entry 0: no valid "cveID"$/);
});
