// The licence classifier on a hand-written table of licence strings as package databases record them
// (sources in the comments), and the id list it relies on against the vendored CycloneDX SPDX enum.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import parse from 'spdx-expression-parse';
import { andExpression, classifyLicense, type SpdxLicense, type SpdxTerm } from '../../src/report/spdx-license.js';

const id = (text: string): SpdxTerm => ({ kind: 'id', id: text });
const name = (text: string): SpdxLicense => ({ kind: 'name', name: text });
const expression = (text: string, conjunction?: 'and' | 'or'): SpdxTerm => ({ kind: 'expression', expression: text, ...(conjunction ? { conjunction } : {}) });

// Hand-written: strings copied from the testbed images and from well-known packages.
const TABLE: [string, SpdxLicense][] = [
  // npm package.json `license` (debian-app's node_modules; npm's own docs)
  ['MIT', id('MIT')],
  ['ISC', id('ISC')],
  ['BSD-3-Clause', id('BSD-3-Clause')],
  ['Apache-2.0', id('Apache-2.0')],
  ['(MIT OR Apache-2.0)', expression('MIT OR Apache-2.0', 'or')],
  ['(MIT AND Zlib)', expression('MIT AND Zlib', 'and')],
  ['(MIT OR CC0-1.0)', expression('MIT OR CC0-1.0', 'or')],
  // apk `L:` (alpine-3.10 .. 3.20 lib/apk/db/installed)
  ['GPL-2.0-only', id('GPL-2.0-only')],
  ['GPL-2.0', id('GPL-2.0')], // deprecated id, still on the SPDX list
  ['MIT AND BSD-2-Clause AND GPL-2.0-or-later', expression('MIT AND BSD-2-Clause AND GPL-2.0-or-later', 'and')],
  ['MPL-2.0 AND MIT', expression('MPL-2.0 AND MIT', 'and')],
  ['MPL-2.0 GPL-2.0-or-later', name('MPL-2.0 GPL-2.0-or-later')], // no operator between the ids
  ['MIT BSD GPL2+', name('MIT BSD GPL2+')],
  ['GPL2', name('GPL2')],
  ['zlib', name('zlib')], // SPDX says Zlib; no case correction
  ['BSD', name('BSD')],
  // Debian copyright files (DEP-5 short names, debian-bookworm / debian-app)
  ['GPL-2+', name('GPL-2+')],
  ['BSD-3-clause', name('BSD-3-clause')],
  ['Expat', name('Expat')],
  ['public-domain', name('public-domain')],
  ['GPL-3+ with Bison exception', name('GPL-3+ with Bison exception')],
  ['LGPL-3+ or GPL-2+', name('LGPL-3+ or GPL-2+')],
  ['LGPL-2.0+', expression('LGPL-2.0+')], // deprecated id with the "or later" operator
  ['GPL-2.0+', expression('GPL-2.0+')],
  ['MIT/X11', name('MIT/X11')],
  // rpm `License:` (old Fedora/CentOS tags; SPDX tags of Fedora 40+ and Azure Linux)
  ['GPLv2+', name('GPLv2+')],
  ['GPLv2+ and LGPLv2+', name('GPLv2+ and LGPLv2+')],
  ['GPL-3.0-or-later AND GFDL-1.3-no-invariants-or-later', expression('GPL-3.0-or-later AND GFDL-1.3-no-invariants-or-later', 'and')],
  ['GPL-2.0-only WITH Linux-syscall-note', expression('GPL-2.0-only WITH Linux-syscall-note')],
  // SPDX operators are upper case: the same ids with `or` are not taken as an expression
  ['MIT or Apache-2.0', name('MIT or Apache-2.0')],
  // A LicenseRef names text that the string does not carry
  ['LicenseRef-Proprietary', name('LicenseRef-Proprietary')],
  // An exception on its own is not a licence
  ['Classpath-exception-2.0', name('Classpath-exception-2.0')],
];

describe('classifyLicense (hand-written table of recorded licences)', () => {
  for (const [text, want] of TABLE) {
    it(JSON.stringify(text), () => assert.deepEqual(classifyLicense(text), want));
  }

  it('writes compound expressions canonically, bracketing where the operator changes', () => {
    assert.deepEqual(classifyLicense('MIT  AND ( ISC OR  Apache-2.0 )'), expression('MIT AND (ISC OR Apache-2.0)', 'and'));
    assert.deepEqual(classifyLicense('(MIT AND ISC) OR Apache-2.0'), expression('(MIT AND ISC) OR Apache-2.0', 'or'));
  });
});

describe('andExpression', () => {
  it('brackets OR expressions, keeps AND ones and ids bare, and gives each term once', () => {
    const joined = andExpression([
      id('MIT'),
      expression('ISC OR Apache-2.0', 'or'),
      expression('BSD-2-Clause AND Zlib', 'and'),
      expression('GPL-2.0+'),
      id('MIT'),
    ]);
    assert.equal(joined, 'MIT AND (ISC OR Apache-2.0) AND BSD-2-Clause AND Zlib AND GPL-2.0+');
    // The reference parser reads it with AND at the top and the OR kept together.
    assert.deepEqual(parse('(ISC OR Apache-2.0) AND GPL-2.0+'), parse(andExpression([expression('ISC OR Apache-2.0', 'or'), expression('GPL-2.0+')])));
    const tree = parse(joined);
    assert.ok('conjunction' in tree && tree.conjunction === 'and');
  });
});

describe('the SPDX ids the parser knows', () => {
  it('are all in the vendored CycloneDX SPDX enum, so a bare id always validates as license.id', () => {
    // The list spdx-expression-parse itself loads (spdx-license-ids, current and deprecated).
    const fromParser = createRequire(createRequire(import.meta.url).resolve('spdx-expression-parse'));
    const ids = [...(fromParser('spdx-license-ids') as string[]), ...(fromParser('spdx-license-ids/deprecated') as string[])];
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/schemas/cyclonedx/spdx.SNAPSHOT.schema.json'), 'utf8')) as { enum: string[] };
    const known = new Set(schema.enum);
    assert.ok(ids.length > 700, `${ids.length} ids`);
    // If this fails after a dependency update, refresh the vendored CycloneDX schemas.
    assert.deepEqual(
      ids.filter((i) => !known.has(i)),
      [],
    );
  });
});
