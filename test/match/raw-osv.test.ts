// Every language finding on the testbed images is one the raw OSV records imply, and none they imply
// is missing. The expectation is built independently of Plimsoll's database and comparators: python
// reads the mirror's all.zip files, and npm's own `semver` (the reference for npm's order, and for Go
// module versions once the `v` is dropped) evaluates each record's ranges as the OSV schema defines.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import semver from 'semver';
import { openImage } from '../../src/image/open.js';
import { inventoryImage } from '../../src/inventory/run.js';
import { matchVulnerabilities } from '../../src/match/index.js';
import type { Package } from '../../src/model/package.js';
import { openDatabase, runDbUpdate } from '../../src/vulndb/index.js';
import { SHARED, TESTBED, needTestbed } from '../helpers/testbed.js';

interface RawEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
interface RawRecord {
  id: string;
  withdrawn?: string;
  affected?: { package?: { ecosystem: string; name: string }; ranges?: { type: string; events: RawEvent[] }[]; versions?: string[] }[];
}

/** The records of one ecosystem's zip that name any of `names`, read by python's zipfile. */
function rawRecords(ecosystem: string, names: string[]): RawRecord[] {
  const script = `
import json, sys, zipfile
names = set(json.load(sys.stdin))
out = []
with zipfile.ZipFile(sys.argv[1]) as z:
    for entry in z.namelist():
        record = json.loads(z.read(entry))
        if any(a.get('package', {}).get('name') in names for a in record.get('affected', [])):
            out.append(record)
json.dump(out, sys.stdout)`;
  const zip = join(SHARED, 'vulndata', 'osv', ecosystem, 'all.zip');
  return JSON.parse(
    execFileSync('python3', ['-c', script, zip], { input: JSON.stringify(names), encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }),
  ) as RawRecord[];
}

/** The OSV schema's evaluation of one range: events in version order, `introduced: 0` first. */
function inRange(version: string, events: RawEvent[], norm: (v: string) => string): boolean {
  const key = (e: RawEvent): string => norm(e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '0');
  const sorted = [...events].filter((e) => !e.limit).sort((a, b) => (a.introduced === '0' ? -1 : b.introduced === '0' ? 1 : semver.compare(key(a), key(b))));
  let affected = false;
  for (const e of sorted) {
    if (e.introduced !== undefined && (e.introduced === '0' || semver.gte(version, norm(e.introduced)))) affected = true;
    else if (e.fixed !== undefined && semver.gte(version, norm(e.fixed))) affected = false;
    else if (e.last_affected !== undefined && semver.gt(version, norm(e.last_affected))) affected = false;
  }
  const limits = events.filter((e) => e.limit !== undefined).map((e) => norm(e.limit as string));
  return affected && (limits.length === 0 || limits.some((l) => semver.lt(version, l)));
}

/** `package id → OSV ids` that the raw records imply, and the ids of every record naming these packages. */
function expected(ecosystem: string, packages: Package[], norm: (v: string) => string): { implied: Map<string, Set<string>>; recordIds: Set<string> } {
  const out = new Map<string, Set<string>>();
  const all = rawRecords(ecosystem, [...new Set(packages.map((p) => p.name))]);
  const records = all.filter((r) => !r.withdrawn);
  for (const p of packages) {
    const version = norm(p.version);
    const ids = new Set<string>();
    for (const record of records) {
      for (const a of record.affected ?? []) {
        if (a.package?.ecosystem !== ecosystem || a.package.name !== p.name) continue;
        const listed = (a.versions ?? []).some((v) => norm(v) === version);
        const ranged = (a.ranges ?? []).some((r) => r.type !== 'GIT' && inRange(version, r.events, norm));
        if (listed || ranged) ids.add(record.id);
      }
    }
    out.set(p.id, ids);
  }
  return { implied: out, recordIds: new Set(all.map((r) => r.id)) };
}

const plain = (v: string): string => v;
/** Go module versions carry a `v`; OSV's Go records (and `stdlib`) do not. */
const goVersion = (v: string): string => v.replace(/^v/, '');

describe('language findings equal what the raw OSV records imply', { skip: needTestbed() }, () => {
  const images = ['debian-app:1.0', 'scratch-go:1.0'];
  const found = new Map<string, Map<string, Set<string>>>();
  const inventories = new Map<string, Package[]>();
  before(async () => {
    const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-raw-osv-'));
    await runDbUpdate({ dbDir, mirror: join(SHARED, 'vulndata'), quiet: true });
    const db = openDatabase(dbDir);
    for (const image of images) {
      const inventory = await inventoryImage(await openImage(`oci:${join(TESTBED, 'oci', image)}`));
      const result = matchVulnerabilities(inventory, db);
      const byPackage = new Map<string, Set<string>>();
      for (const v of result.vulnerabilities) {
        const ids = byPackage.get(v.packageId) ?? new Set<string>();
        for (const id of [v.id, ...v.aliases]) ids.add(id);
        byPackage.set(v.packageId, ids);
      }
      found.set(image, byPackage);
      inventories.set(image, inventory.packages);
    }
    db.close();
  });

  const cases: [string, 'npm' | 'golang', string, (v: string) => string][] = [
    ['debian-app:1.0', 'npm', 'npm', plain],
    ['debian-app:1.0', 'golang', 'Go', goVersion],
    ['scratch-go:1.0', 'golang', 'Go', goVersion],
  ];
  for (const [image, type, ecosystem, norm] of cases) {
    it(`${image}: ${type} packages against osv/${ecosystem}/all.zip`, () => {
      const packages = (inventories.get(image) ?? []).filter((p) => p.type === type);
      assert.ok(packages.length > 0);
      const { implied, recordIds } = expected(ecosystem, packages, norm);
      const have = found.get(image) ?? new Map();
      let total = 0;
      for (const p of packages) {
        const wanted = [...(implied.get(p.id) ?? [])].sort();
        // Only ids of this ecosystem's records: a finding also lists CVE and GHSA aliases.
        const got = [...(have.get(p.id) ?? [])].filter((id) => recordIds.has(id)).sort();
        assert.deepEqual(got, wanted, `${p.name}@${p.version}`);
        total += wanted.length;
      }
      assert.ok(total > 0, 'the frozen data does hold advisories for these packages');
    });
  }
});
