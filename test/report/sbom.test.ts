// CycloneDX against the official 1.6 schema (vendored from @cyclonedx/cyclonedx-library), SPDX 2.3
// against the spec's required fields and identifier rules, for every testbed image.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import parse from 'spdx-expression-parse';
import { openImage } from '../../src/image/open.js';
import { inventoryImage } from '../../src/inventory/run.js';
import type { Inventory } from '../../src/model/inventory.js';
import { toCycloneDx } from '../../src/report/cyclonedx.js';
import { toSpdx } from '../../src/report/spdx.js';
import { TESTBED, needTestbed } from '../helpers/testbed.js';
import { fsFromFiles } from '../helpers/memory-fs.js';
import { osInventory, testbedFs } from '../helpers/testbed-fs.js';
import { TESTBED_IMAGES } from '../helpers/truth.js';

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
  // Clause 7.15: licenseDeclared is NOASSERTION, NONE or an SPDX expression (Annex D); every
  // LicenseRef in it is defined in hasExtractedLicensingInfos (clause 10), and only those are.
  const extracted = ((doc.hasExtractedLicensingInfos ?? []) as { licenseId: string; extractedText: string }[]).map((l) => l.licenseId);
  const declared = new Set(extracted);
  assert.equal(declared.size, extracted.length, 'duplicate extracted licence ids');
  const used = new Set<string>();
  for (const p of packages) {
    if (p.licenseDeclared === undefined || p.licenseDeclared === 'NOASSERTION' || p.licenseDeclared === 'NONE') continue;
    const text = String(p.licenseDeclared);
    assert.ok(
      !text.split(/[\s()]+/).some((word) => ['and', 'or', 'with'].includes(word.toLowerCase()) && word !== word.toUpperCase()),
      `operators are upper case: ${text}`,
    );
    for (const leaf of licenseLeaves(parse(text))) {
      if (!leaf.startsWith('LicenseRef-')) continue;
      assert.ok(declared.has(leaf), `${leaf} in ${String(p.SPDXID)} is not in hasExtractedLicensingInfos`);
      used.add(leaf);
    }
  }
  assert.deepEqual(
    [...declared].filter((ref) => !used.has(ref)),
    [],
    'extracted licences no package uses',
  );
}

function licenseLeaves(node: parse.Info): string[] {
  return 'conjunction' in node ? [...licenseLeaves(node.left), ...licenseLeaves(node.right)] : [node.license];
}

const validate = cycloneDxValidator();

describe('SBOMs of the testbed images', { skip: needTestbed() }, () => {
  for (const image of TESTBED_IMAGES) {
    it(image.name, async () => {
      const { inventory } = await osInventory(await testbedFs(image), `oci:${image.layout}:${image.tag}`);
      const cdx = toCycloneDx(inventory, { timestamp: new Date('2026-11-30T12:00:00Z') });
      assert.ok(validate(cdx), JSON.stringify(validate.errors?.slice(0, 3)));
      const components = cdx.components as { purl?: string; type: string }[];
      assert.deepEqual(
        components.filter((c) => c.purl).map((c) => c.purl),
        inventory.packages.map((p) => p.purl),
      );
      assert.equal(
        components.some((c) => c.type === 'operating-system'),
        inventory.os !== undefined,
      );

      const spdx = toSpdx(inventory, { timestamp: new Date('2026-11-30T12:00:00.123Z') });
      checkSpdx(spdx);
      assert.equal((spdx.packages as unknown[]).length, inventory.packages.length + 1 + (inventory.os ? 1 : 0));
    });
  }
});

describe('debian-app licences (whole inventory) against npm ls', { skip: needTestbed() }, () => {
  it('npm packages carry their package.json licence as an SPDX id in both formats', async () => {
    const image = TESTBED_IMAGES.find((i) => i.name === 'debian-app');
    assert.ok(image);
    const resolved = await openImage(`oci:${image.layout}:${image.tag}`);
    const found = await inventoryImage(resolved).finally(() => resolved.close());
    const inventory: Inventory = { artifact: { ref: 'debian-app' }, ...(found.os ? { os: found.os } : {}), packages: found.packages, warnings: found.warnings };
    const cdx = toCycloneDx(inventory, { timestamp: new Date('2026-11-30T12:00:00Z') });
    assert.ok(validate(cdx), JSON.stringify(validate.errors?.slice(0, 3)));
    const spdx = toSpdx(inventory, { timestamp: new Date('2026-11-30T12:00:00Z') });
    checkSpdx(spdx);

    // The `license` fields of the image's real package.json files, as `npm ls --long --json` read them.
    type NpmLs = { version?: string; license?: string; dependencies?: Record<string, NpmLs> };
    const npmLs = JSON.parse(readFileSync(join(TESTBED, 'truth', 'debian-app', 'npm-ls-app.json'), 'utf8')) as NpmLs;
    const truth = new Map<string, string>();
    const walk = (node: NpmLs): void => {
      for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
        if (dep.license) truth.set(`pkg:npm/${name}@${dep.version ?? ''}`, dep.license);
        walk(dep);
      }
    };
    walk(npmLs);
    assert.ok(truth.size > 60, `${truth.size} npm packages with a licence`);

    const spdxIds = new Set(schema('spdx.SNAPSHOT.schema.json').enum as string[]);
    const components = new Map((cdx.components as { purl?: string; licenses?: unknown }[]).map((c) => [c.purl, c.licenses]));
    const declared = new Map(
      (spdx.packages as { licenseDeclared?: string; externalRefs?: { referenceLocator: string }[] }[]).map((p) => [
        p.externalRefs?.[0]?.referenceLocator,
        p.licenseDeclared,
      ]),
    );
    for (const [purl, license] of truth) {
      assert.ok(spdxIds.has(license), `${purl}: ${license} is a listed SPDX id`);
      assert.deepEqual(components.get(purl), [{ license: { id: license, acknowledgement: 'declared' } }], purl);
      assert.equal(declared.get(purl), license, purl);
    }
  });
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

  it('the licences of a package go in as ids and names, or as one expression when all are SPDX', () => {
    const layer = { index: 0, digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000' };
    const cases: [string[], unknown[], string][] = [
      [['MIT', 'ISC'], [{ license: { id: 'MIT', acknowledgement: 'declared' } }, { license: { id: 'ISC', acknowledgement: 'declared' } }], 'MIT AND ISC'],
      [
        ['MIT', 'GPL-2+'],
        [{ license: { id: 'MIT', acknowledgement: 'declared' } }, { license: { name: 'GPL-2+', acknowledgement: 'declared' } }],
        'MIT AND LicenseRef-GPL-2-',
      ],
      [
        ['(MIT OR Apache-2.0)', 'BSD-3-Clause', 'GPL-2.0+'],
        [{ expression: '(MIT OR Apache-2.0) AND BSD-3-Clause AND GPL-2.0+', acknowledgement: 'declared' }],
        '(MIT OR Apache-2.0) AND BSD-3-Clause AND GPL-2.0+',
      ],
      [
        ['MIT OR ISC', 'GPLv2+'],
        [{ license: { name: 'MIT OR ISC', acknowledgement: 'declared' } }, { license: { name: 'GPLv2+', acknowledgement: 'declared' } }],
        '(MIT OR ISC) AND LicenseRef-GPLv2-',
      ],
      [['GPL-2+ or Artistic'], [{ license: { name: 'GPL-2+ or Artistic', acknowledgement: 'declared' } }], 'LicenseRef-GPL-2-or-Artistic'],
    ];
    const inventory: Inventory = {
      artifact: { ref: 'dir:/tmp/x' },
      packages: cases.map(([licenses], i) => ({
        id: `p${i}`,
        name: `p${i}`,
        version: '1',
        type: 'npm',
        purl: `pkg:npm/p${i}@1`,
        licenses,
        locations: [{ path: `node_modules/p${i}/package.json`, layer }],
      })),
      warnings: [],
    };
    const cdx = toCycloneDx(inventory);
    assert.ok(validate(cdx), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.deepEqual(
      (cdx.components as { licenses: unknown }[]).map((c) => c.licenses),
      cases.map(([, want]) => want),
    );
    const spdx = toSpdx(inventory);
    checkSpdx(spdx);
    assert.deepEqual(
      (spdx.packages as { licenseDeclared?: string }[]).slice(1).map((p) => p.licenseDeclared),
      cases.map(([, , want]) => want),
    );
    assert.deepEqual(
      (spdx.hasExtractedLicensingInfos as { licenseId: string; name: string }[]).map((l) => [l.licenseId, l.name]),
      [
        ['LicenseRef-GPL-2-', 'GPL-2+'],
        ['LicenseRef-GPLv2-', 'GPLv2+'],
        ['LicenseRef-GPL-2-or-Artistic', 'GPL-2+ or Artistic'],
      ],
    );
  });

  it('the same inventory and time give the same serial number; another time another', async () => {
    const { inventory } = await osInventory(
      fsFromFiles({ 'etc/alpine-release': '3.20.3\n', 'lib/apk/db/installed': 'P:a\nV:1-r0\nA:x86_64\nL:MIT AND (GPL-2.0 OR BSD)\n' }),
      'x',
    );
    const t = new Date('2026-11-30T12:00:00Z');
    assert.equal(toCycloneDx(inventory, { timestamp: t }).serialNumber, toCycloneDx(inventory, { timestamp: t }).serialNumber);
    assert.notEqual(toCycloneDx(inventory, { timestamp: t }).serialNumber, toCycloneDx(inventory, { timestamp: new Date() }).serialNumber);
    assert.ok(validate(toCycloneDx(inventory)));
    checkSpdx(toSpdx(inventory));
  });
});
