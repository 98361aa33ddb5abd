// CycloneDX against the official 1.6 schema (vendored from @cyclonedx/cyclonedx-library), SPDX 2.3
// against the spec's required fields and identifier rules, for every testbed image.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Inventory } from '../../src/model/inventory.js';
import { toCycloneDx } from '../../src/report/cyclonedx.js';
import { toSpdx } from '../../src/report/spdx.js';
import { needTestbed } from '../helpers/testbed.js';
import { fsFromFiles } from '../os/memory-fs.js';
import { osInventory, testbedFs } from '../os/testbed-fs.js';
import { TESTBED_IMAGES } from '../os/truth.js';

const SCHEMAS = join(import.meta.dirname, '../fixtures/schemas/cyclonedx');
const schema = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8')) as Record<string, unknown>;

function cycloneDxValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // The BOM schema refers to its companions by their SNAPSHOT file names, relative to its $id.
  ajv.addSchema({ ...schema('spdx.SNAPSHOT.schema.json'), $id: 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json' });
  ajv.addSchema({ ...schema('jsf-0.82.SNAPSHOT.schema.json'), $id: 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json' });
  return ajv.compile(schema('bom-1.6.SNAPSHOT.schema.json'));
}

/** SPDX 2.3 rules checked without the official schema (not packaged on npm or Debian): spec clauses 6-7 and 11. */
function checkSpdx(doc: Record<string, unknown>): void {
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  assert.equal(doc.dataLicense, 'CC0-1.0');
  assert.equal(doc.SPDXID, 'SPDXRef-DOCUMENT');
  assert.equal(typeof doc.name, 'string');
  assert.match(String(doc.documentNamespace), /^https:\/\/[^#]+$/);
  const info = doc.creationInfo as { created: string; creators: string[] };
  assert.match(info.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(info.creators.every((c) => /^(Tool|Organization|Person): \S/.test(c)));
  const packages = doc.packages as Record<string, unknown>[];
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  for (const p of packages) {
    assert.match(String(p.SPDXID), /^SPDXRef-[A-Za-z0-9.-]+$/);
    assert.ok(!ids.has(String(p.SPDXID)), `duplicate ${String(p.SPDXID)}`);
    ids.add(String(p.SPDXID));
    assert.equal(typeof p.name, 'string');
    assert.equal(typeof p.downloadLocation, 'string');
  }
  for (const r of doc.relationships as Record<string, string>[]) {
    assert.ok(ids.has(r.spdxElementId ?? '') && ids.has(r.relatedSpdxElement ?? ''), JSON.stringify(r));
  }
  const declared = new Set(((doc.hasExtractedLicensingInfos ?? []) as { licenseId: string }[]).map((l) => l.licenseId));
  for (const p of packages) {
    for (const ref of String(p.licenseDeclared ?? '').match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) assert.ok(declared.has(ref), ref);
  }
}

const validate = cycloneDxValidator();

describe('SBOMs of the testbed images', { skip: needTestbed() }, () => {
  for (const image of TESTBED_IMAGES) {
    it(image.name, async () => {
      const { inventory } = await osInventory(await testbedFs(image), `oci:${image.layout}:${image.tag}`);
      const cdx = toCycloneDx(inventory, { timestamp: new Date('2026-11-30T12:00:00Z') });
      assert.ok(validate(cdx), JSON.stringify(validate.errors?.slice(0, 3)));
      const components = cdx.components as { purl?: string; type: string }[];
      assert.deepEqual(components.filter((c) => c.purl).map((c) => c.purl), inventory.packages.map((p) => p.purl));
      assert.equal(components.some((c) => c.type === 'operating-system'), inventory.os !== undefined);

      const spdx = toSpdx(inventory, { timestamp: new Date('2026-11-30T12:00:00.123Z') });
      checkSpdx(spdx);
      assert.equal((spdx.packages as unknown[]).length, inventory.packages.length + 1 + (inventory.os ? 1 : 0));
    });
  }
});

describe('SBOM edge cases (hand-written inventories)', () => {
  const empty: Inventory = { artifact: { ref: 'dir:/tmp/x' }, packages: [], warnings: [] };

  it('no OS and no packages still gives valid documents that say so', () => {
    const cdx = toCycloneDx(empty);
    assert.ok(validate(cdx), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(validate({ ...cdx, serialNumber: 'not-a-urn' }), false, 'the schema is really applied');
    assert.match(JSON.stringify(cdx), /no recognisable OS/);
    const spdx = toSpdx(empty);
    checkSpdx(spdx);
    assert.match(JSON.stringify(spdx), /no recognisable OS/);
  });

  it('the same inventory and time give the same serial number; another time another', async () => {
    const { inventory } = await osInventory(fsFromFiles({ 'etc/alpine-release': '3.20.3\n', 'lib/apk/db/installed': 'P:a\nV:1-r0\nA:x86_64\nL:MIT AND (GPL-2.0 OR BSD)\n' }), 'x');
    const t = new Date('2026-11-30T12:00:00Z');
    assert.equal(toCycloneDx(inventory, { timestamp: t }).serialNumber, toCycloneDx(inventory, { timestamp: t }).serialNumber);
    assert.notEqual(toCycloneDx(inventory, { timestamp: t }).serialNumber, toCycloneDx(inventory, { timestamp: new Date() }).serialNumber);
    assert.ok(validate(toCycloneDx(inventory)));
    checkSpdx(toSpdx(inventory));
  });
});
