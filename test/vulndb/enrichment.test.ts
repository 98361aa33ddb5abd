// `db update --mirror` on the shared mirror builds the enrichment sources (NVD records, the KEV
// catalog): what the database returns for a CVE is what the mirror's files say, read here with
// JSON.parse, and `db status` shows each source's data date, the staleness warning and NVD's notice.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase, renderDbStatus, runDbStatus, runDbUpdate, type DbUpdateResult } from '../../src/vulndb/index.js';
import { MIRROR } from './mirror-truth.js';

const NOTICE = 'This product uses data from the NVD API but is not endorsed or certified by the NVD.';
const DAY_MS = 24 * 60 * 60 * 1000;

type Json = Record<string, unknown>;
const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;
const objects = (value: unknown): Json[] => value as Json[];

/** The NVD files of the mirror, `nvd/CVE-YYYY/<id>.json`. */
function nvdFiles(): Json[] {
  const root = join(MIRROR, 'nvd');
  return readdirSync(root).flatMap((year) => readdirSync(join(root, year)).map((name) => readJson(join(root, year, name))));
}

/** What the stored record must hold, taken from the raw `cve` object field by field. */
function expectedNvd(raw: Json): Json {
  const metrics = Object.values(raw.metrics as Record<string, Json[]>).flat();
  const cvss = metrics.map((m) => {
    const data = m.cvssData as Json;
    const severity = data.baseSeverity ?? m.baseSeverity;
    return {
      source: m.source,
      type: m.type,
      version: data.version,
      vector: data.vectorString,
      baseScore: data.baseScore,
      ...(severity ? { baseSeverity: severity } : {}),
    };
  });
  const cwes = objects(raw.weaknesses)
    .flatMap((w) => objects(w.description).map((d) => String(d.value)))
    .filter((id) => /^CWE-\d+$/.test(id));
  const configurations = objects(raw.configurations).map((c) => ({
    ...(c.operator ? { operator: c.operator } : {}),
    ...(c.negate ? { negate: true } : {}),
    nodes: objects(c.nodes).map((n) => ({
      operator: n.operator,
      ...(n.negate ? { negate: true } : {}),
      cpeMatch: objects(n.cpeMatch).map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'matchCriteriaId'))),
    })),
  }));
  return {
    id: raw.id,
    published: raw.published,
    lastModified: raw.lastModified,
    vulnStatus: raw.vulnStatus,
    description: objects(raw.descriptions).find((d) => d.lang === 'en')?.value,
    cvss,
    cwes: [...new Set(cwes)],
    configurations,
  };
}

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('enrichment from the shared mirror', { skip: existsSync(join(MIRROR, 'nvd')) ? undefined : `no NVD records at ${MIRROR}/nvd` }, () => {
  let work: string;
  let dbDir: string;
  let result: DbUpdateResult;
  let kev: { dateReleased: string; vulnerabilities: Json[] };
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-enrich-'));
    dbDir = join(work, 'db');
    result = await runDbUpdate({ dbDir, mirror: MIRROR, quiet: true, offline: true });
    kev = readJson(join(MIRROR, 'kev', 'known_exploited_vulnerabilities.json')) as typeof kev;
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('the nvd and kev sources hold every record; EPSS, which the mirror lacks, is missing', () => {
    const files = nvdFiles();
    assert.equal(files.length, 18);
    const nvd = result.sources.find((s) => s.name === 'nvd');
    const newest = files
      .map((f) => String(f.lastModified))
      .sort()
      .at(-1);
    assert.deepEqual({ records: nvd?.records, dataDate: nvd?.dataDate }, { records: 18, dataDate: `${newest}Z` });
    assert.equal(nvd?.dataDate, '2026-06-17T04:29:50.500Z');
    const kevSource = result.sources.find((s) => s.name === 'kev');
    assert.deepEqual(
      { records: kevSource?.records, dataDate: kevSource?.dataDate },
      { records: kev.vulnerabilities.length, dataDate: '2025-08-25T17:04:19.979Z' },
    );
    assert.equal(kevSource?.records, 1404);
    assert.ok(result.missing.includes('epss'));
  });

  test('enrichment(CVE-2021-44228) is the NVD record and the KEV entry as the files say', () => {
    const raw = readJson(join(MIRROR, 'nvd', 'CVE-2021', 'CVE-2021-44228.json'));
    const db = openDatabase(dbDir);
    try {
      const found = db.enrichment('CVE-2021-44228');
      const expected = expectedNvd(raw);
      assert.deepEqual({ ...found.nvd, cvss: [...(found.nvd?.cvss ?? [])].sort(byJson) }, { ...expected, cvss: [...(expected.cvss as Json[])].sort(byJson) });
      // The facts themselves, so that a wrong reading of the raw file cannot pass twice.
      assert.deepEqual(found.nvd?.cwes, ['CWE-20', 'CWE-400', 'CWE-502', 'CWE-917']);
      assert.ok(
        found.nvd?.cvss.some(
          (m) =>
            m.source === 'nvd@nist.gov' &&
            m.type === 'Primary' &&
            m.version === '3.1' &&
            m.baseScore === 10 &&
            m.vector === 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
        ),
      );
      assert.ok(found.nvd?.cvss.some((m) => m.version === '2.0' && m.baseScore === 9.3 && m.baseSeverity === 'HIGH'));
      assert.ok(
        found.nvd?.configurations.some((c) => c.nodes.some((n) => n.cpeMatch.some((m) => m.vulnerable && m.criteria.startsWith('cpe:2.3:a:apache:log4j:')))),
      );

      const entry = kev.vulnerabilities.find((v) => v.cveID === 'CVE-2021-44228') ?? {};
      const fields = ['cveID', 'vendorProject', 'product', 'vulnerabilityName', 'dateAdded', 'dueDate', 'knownRansomwareCampaignUse', 'requiredAction'];
      assert.deepEqual(found.kev, Object.fromEntries(fields.map((f) => [f, entry[f]])));
      assert.equal(found.epss, undefined);
      // A CVE no enrichment source knows gives nothing rather than an error.
      assert.deepEqual(db.enrichment('CVE-2099-0001'), {});
    } finally {
      db.close();
    }
  });

  test('status: data dates per source, staleness named by data date though just built, and the NVD notice', () => {
    const status = runDbStatus({ dbDir });
    assert.equal(status.ageDays, 0);
    assert.deepEqual(status.notices, [NOTICE]);
    assert.ok(!status.warnings.some((w) => w.message.startsWith('vulnerability database is')), 'the build itself is new');

    const now = Date.now();
    const stale = status.sources
      .filter((s) => s.dataDate !== null && now - Date.parse(s.dataDate) > 3 * DAY_MS)
      .sort((a, b) => String(a.dataDate).localeCompare(String(b.dataDate)));
    assert.ok(stale.some((s) => s.name === 'kev') && stale.some((s) => s.name === 'nvd'));
    const warning = status.warnings.find((w) => w.message.includes('hold data older than'))?.message;
    assert.ok(warning?.startsWith(`${stale.length} of ${status.sources.length} sources hold data older than 3 days: `), warning);
    const named = stale
      .slice(0, 5)
      .map((s) => `${s.name} (${String(s.dataDate).slice(0, 10)}, ${Math.floor((now - Date.parse(String(s.dataDate))) / DAY_MS)} days)`);
    assert.ok(warning?.includes(`: ${named.join(', ')} and ${stale.length - 5} more;`), warning);

    const table = renderDbStatus(status);
    assert.match(table, /^SOURCE +ECOSYSTEM +RECORDS +DATA DATE +LAST MODIFIED +URL$/m);
    assert.match(table, /^kev +CVE +1404 +2025-08-25T17:04:19\.979Z +\S+ +\S*known_exploited_vulnerabilities\.json$/m);
    assert.match(table, /^nvd +CVE +18 +2026-06-17T04:29:50\.500Z /m);
    assert.match(table, /^osv\/Go +Go +\d+ +- +/m, 'a source that states no date shows "-"');
    assert.match(table, new RegExp(`^Data date: +${status.dataDate?.replaceAll('.', '\\.')} \\(${status.dataAgeDays} days ago\\)$`, 'm'));
    assert.ok(table.split('\n').includes(NOTICE));

    const json = JSON.parse(renderDbStatus(status, 'json')) as Json;
    assert.deepEqual(json.notices, [NOTICE]);
    assert.deepEqual(Object.keys(json), ['path', 'schemaVersion', 'builtAt', 'ageDays', 'dataDate', 'dataAgeDays', 'sources', 'warnings', 'notices']);
  });
});
