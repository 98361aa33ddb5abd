// Schemes without a reference program installed here (NuGet, Composer), the
// parts of Go and Cargo that npm's semver does not define (pseudo-versions,
// Cargo requirements), checked against vectors from their documentation or
// their maintainers' test data; each block names its source.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { versions, type VersionScheme } from '../../src/versions/index.js';
import { normalizeComposer } from '../../src/ecosystems/composer/version.js';

function assertAscending(scheme: VersionScheme, list: string[]): void {
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < list.length; j++) {
      const a = list[i] ?? '';
      const b = list[j] ?? '';
      assert.equal(scheme.compare(a, b), Math.sign(i - j) || 0, `${scheme.name}: ${a} vs ${b}`);
    }
  }
}

function assertRejects(scheme: VersionScheme, text: string): void {
  assert.throws(() => scheme.parse(text), { name: 'VersionError' }, `${scheme.name} accepted ${JSON.stringify(text)}`);
}

// learn.microsoft.com/nuget/concepts/package-versioning, "Pre-release versions"
// (listed there from highest to lowest) and "Normalized version numbers".
test('nuget: the pre-release order of the NuGet documentation', () => {
  assertAscending(versions.nuget, [
    '1.0.1-aaa',
    '1.0.1-alpha10',
    '1.0.1-alpha2',
    '1.0.1-beta',
    '1.0.1-open',
    '1.0.1-rc.2',
    '1.0.1-rc.10',
    '1.0.1-zzz',
    '1.0.1',
  ]);
});

test('nuget: normalised forms of the NuGet documentation compare equal', () => {
  for (const [a, b] of [
    ['1.0', '1.0.0'],
    ['1.0.0.0', '1.0.0'],
    ['1.01.1', '1.1.1'],
    ['1.0.0+githash', '1.0.0'],
    ['1.0.0-Beta', '1.0.0-beta'],
  ] as const) {
    assert.equal(versions.nuget.compare(a, b), 0, `${a} = ${b}`);
  }
  assert.equal(versions.nuget.compare('1.0.0.1', '1.0.0'), 1, 'a fourth part counts');
});

// The same page, "Version ranges": the interval notation table.
test('nuget: the interval notation table of the NuGet documentation', () => {
  const cases: [string, string, boolean][] = [
    ['1.0', '1.0', true],
    ['1.0', '0.9', false],
    ['1.0', '5.0', true],
    ['[1.0,)', '1.0', true],
    ['(1.0,)', '1.0', false],
    ['(1.0,)', '1.0.1', true],
    ['[1.0]', '1.0.0', true],
    ['[1.0]', '1.0.1', false],
    ['(,1.0]', '1.0', true],
    ['(,1.0]', '1.0.1', false],
    ['(,1.0)', '1.0', false],
    ['(,1.0)', '0.9', true],
    ['[1.0,2.0]', '2.0', true],
    ['(1.0,2.0)', '2.0', false],
    ['(1.0,2.0)', '1.5', true],
    ['[1.0,2.0)', '1.0', true],
    ['[1.0,2.0)', '2.0', false],
    ['[1.0,2.0)', '2.0-beta', true],
  ];
  for (const [range, version, expected] of cases) assert.equal(versions.nuget.satisfies(version, range), expected, `${version} in ${range}`);
  for (const bad of ['(1.0)', '[1.0', '(,)', '[a,b]', '']) {
    assert.throws(() => versions.nuget.parseRange(bad), { name: 'VersionError' }, bad);
  }
});

// composer/semver tests/VersionParserTest.php, successfulNormalizedVersions and
// failingNormalizedVersions (Composer's own test data; branch names excluded:
// they have no order, so Plimsoll rejects them).
test('composer: normalisation cases of composer/semver', () => {
  const cases: [string, string][] = [
    ['1.0.0', '1.0.0.0'],
    ['1.2.3.4', '1.2.3.4'],
    ['1.0.0RC1dev', '1.0.0.0-RC1-dev'],
    ['1.0.0-rC15-dev', '1.0.0.0-RC15-dev'],
    ['1.0.0.RC.15-dev', '1.0.0.0-RC15-dev'],
    ['1.0.0-rc1', '1.0.0.0-RC1'],
    ['1.0.0.pl3-dev', '1.0.0.0-patch3-dev'],
    ['1.0-dev', '1.0.0.0-dev'],
    ['0', '0.0.0.0'],
    ['10.4.13-beta', '10.4.13.0-beta'],
    ['10.4.13beta2', '10.4.13.0-beta2'],
    ['10.4.13beta.2', '10.4.13.0-beta2'],
    ['v1.13.11-beta.0', '1.13.11.0-beta0'],
    ['1.13.11.0-beta0', '1.13.11.0-beta0'],
    ['10.4.13-b', '10.4.13.0-beta'],
    ['10.4.13-b5', '10.4.13.0-beta5'],
    ['v1.0.0', '1.0.0.0'],
    ['2010.01', '2010.01.0.0'],
    ['2010.01.02', '2010.01.02.0'],
    ['2010.1.555', '2010.1.555.0'],
    ['2010.10.200', '2010.10.200.0'],
    ['20230131.0.0', '20230131.0.0'],
    ['202301310000.0.0', '202301310000.0.0'],
    ['v20100102', '20100102'],
    ['20100102', '20100102'],
    ['20100102.0', '20100102.0'],
    ['20100102.1.0', '20100102.1.0'],
    ['20100102.0.3', '20100102.0.3'],
    ['2010-01-02-10-20-30.0.3', '2010.01.02.10.20.30.0.3'],
    ['2010-01-02-10-20-30.5', '2010.01.02.10.20.30.5'],
    ['2010-01-02', '2010.01.02'],
    ['2012.06.07', '2012.06.07.0'],
    ['2010-01-02.5', '2010.01.02.5'],
    ['20100102-203040', '20100102.203040'],
    ['20100102.x-dev', '20100102.9999999.9999999.9999999-dev'],
    ['20100102.203040.x-dev', '20100102.203040.9999999.9999999-dev'],
    ['20100102203040-10', '20100102203040.10'],
    ['20100102-203040-p1', '20100102.203040-patch1'],
    ['201903.0', '201903.0'],
    ['201903.x-dev', '201903.9999999.9999999.9999999-dev'],
    ['201903.0-p2', '201903.0-patch2'],
    ['1.x-dev', '1.9999999.9999999.9999999-dev'],
    ['1.0.0+foo@dev', '1.0.0.0'],
    ['1.0.0-beta.5+foo', '1.0.0.0-beta5'],
    ['1.0.0+foo', '1.0.0.0'],
    ['1.0.0-alpha.3.1+foo', '1.0.0.0-alpha3.1'],
    ['1.0.0-alpha2.1+foo', '1.0.0.0-alpha2.1'],
    ['1.0.0-alpha-2.1-3+foo', '1.0.0.0-alpha2.1-3'],
    ['1.0.0+foo as 2.0', '1.0.0.0'],
    ['00.01.03.04', '00.01.03.04'],
    ['000.001.003.004', '000.001.003.004'],
    ['0.000.103.204', '0.000.103.204'],
    ['0700', '0700.0.0.0'],
    ['041.x-dev', '041.9999999.9999999.9999999-dev'],
    [' 1.0.0', '1.0.0.0'],
    ['1.0.0 ', '1.0.0.0'],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeComposer(input), expected, input);
  const failing = [
    '',
    'a',
    '1.0.0-meh',
    '1.0.0.0.0',
    'feature-foo',
    '1.0.0+foo bar',
    '1.0.1-SNAPSHOT',
    '1.0.0<1.0.5-dev',
    '1.0.0-dev<1.0.5-dev',
    'foo bar-dev',
    '1.0 .2',
    ' as ',
    ' as 1.2',
    '^',
    '^8 || ^',
    '~',
    '~1 ~',
    '~1',
    '^1',
    '1.*',
    '20100102.0.3.4',
  ];
  for (const input of failing) assertRejects(versions.composer, input);
  for (const branch of ['dev-master', 'master', 'dev-feature-foo', 'DEV-FOOBAR']) assertRejects(versions.composer, branch);
});

// composer/semver tests/ComparatorTest.php, compareProvider (non-branch cases).
test('composer: comparison cases of composer/semver', () => {
  const cases: [string, string, string][] = [
    ['1.25.0', '>', '1.24.0'],
    ['1.25.0', '=', '1.25.0'],
    ['1.25.0', '<', '1.26.0'],
    ['1.25.0-beta2.1', '<', '1.25.0-b.3'],
    ['1.25.0-b2.1', '<', '1.25.0beta.3'],
    ['1.25.0-b-2.1', '<', '1.25.0-rc'],
    ['1.25.0-beta2.1', '=', '1.25.0-b.2.1'],
    ['1.25.0beta2.1', '=', '1.25.0-b2.1'],
    ['1.0.0', '<', '1.2-dev'],
  ];
  for (const [a, op, b] of cases) assert.equal(versions.composer.compare(a, b), { '<': -1, '=': 0, '>': 1 }[op], `${a} ${op} ${b}`);
});

// getcomposer.org/doc/articles/versions.md: dev < alpha < beta < RC < stable
// (and patch releases after the stable one).
test('composer: stability order of the Composer documentation', () => {
  assertAscending(versions.composer, ['1.0.0-dev', '1.0.0-alpha1', '1.0.0-beta1', '1.0.0-RC1', '1.0.0', '1.0.0-p1', '1.0.1']);
});

// go.dev/ref/mod, "Pseudo-versions": each form sorts after its base version and
// before the next release; golang.org/x/mod/semver: "v1.2" is "v1.2.0", build
// metadata such as +incompatible is ignored, and a 'v' is required.
test('golang: pseudo-versions, shorthands and +incompatible as the Go documentation describes', () => {
  assertAscending(versions.golang, [
    'v0.0.0-20191109021931-daa7c04131f5',
    'v0.0.0',
    'v1.2.3',
    'v1.2.4-0.20191109021931-daa7c04131f5',
    'v1.2.4-pre',
    'v1.2.4-pre.0.20191109021931-daa7c04131f5',
    'v1.2.4',
  ]);
  assert.equal(versions.golang.compare('v1.2', 'v1.2.0'), 0);
  assert.equal(versions.golang.compare('v1', 'v1.0.0'), 0);
  assert.equal(versions.golang.compare('v2.0.0+incompatible', 'v2.0.0'), 0);
  assert.equal(versions.golang.compare('v10.0.0', 'v9.0.0'), 1);
  for (const bad of ['1.2.3', 'v1.2.3.4', 'v01.2.3', 'v1.2-pre', 'v1.2.3-', 'v1.2.3-01', 'V1.2.3', ' v1.2.3']) assertRejects(versions.golang, bad);
});

// doc.rust-lang.org/cargo/reference/specifying-dependencies.html: each
// requirement and the range it stands for, checked at and around its bounds;
// docs.rs/semver (VersionReq): pre-releases match only a comparator that names
// the same MAJOR.MINOR.PATCH with a pre-release.
test('cargo: requirement examples of the Cargo book', () => {
  const table: [string, string[], string[]][] = [
    ['^1.2.3', ['1.2.3', '1.9.9'], ['1.2.2', '2.0.0']],
    ['1.2.3', ['1.2.3', '1.9.9'], ['1.2.2', '2.0.0']],
    ['^1.2', ['1.2.0', '1.99.0'], ['1.1.9', '2.0.0']],
    ['^1', ['1.0.0', '1.99.99'], ['0.9.9', '2.0.0']],
    ['^0.2.3', ['0.2.3', '0.2.99'], ['0.2.2', '0.3.0']],
    ['^0.2', ['0.2.0', '0.2.99'], ['0.1.9', '0.3.0']],
    ['^0.0.3', ['0.0.3'], ['0.0.2', '0.0.4']],
    ['^0.0', ['0.0.0', '0.0.99'], ['0.1.0']],
    ['^0', ['0.0.0', '0.99.0'], ['1.0.0']],
    ['~1.2.3', ['1.2.3', '1.2.99'], ['1.2.2', '1.3.0']],
    ['~1.2', ['1.2.0', '1.2.99'], ['1.1.9', '1.3.0']],
    ['~1', ['1.0.0', '1.99.0'], ['0.9.9', '2.0.0']],
    ['*', ['0.0.0', '99.0.0'], []],
    ['1.*', ['1.0.0', '1.99.0'], ['0.9.9', '2.0.0']],
    ['1.2.*', ['1.2.0', '1.2.99'], ['1.1.9', '1.3.0']],
    ['>= 1.2.0', ['1.2.0', '9.0.0'], ['1.1.9']],
    ['> 1', ['2.0.0'], ['1.0.0', '1.99.0']],
    ['< 2', ['1.99.99'], ['2.0.0']],
    ['= 1.2.3', ['1.2.3'], ['1.2.4', '1.2.2']],
    ['>= 1.2, < 1.5', ['1.2.0', '1.4.99'], ['1.1.9', '1.5.0']],
    ['>=1.0.0-alpha', ['1.0.0-beta', '1.0.0', '1.2.0'], ['1.0.1-alpha', '0.9.0']],
    ['^1.2.3', [], ['1.3.0-alpha', '1.2.4-rc.1']],
    ['^1.2.3-rc.1', ['1.2.3-rc.1', '1.2.3-rc.2', '1.2.3', '1.3.0'], ['1.2.3-beta', '1.3.0-alpha']],
  ];
  for (const [req, inside, outside] of table) {
    for (const v of inside) assert.equal(versions.cargo.satisfies(v, req), true, `${v} should match ${req}`);
    for (const v of outside) assert.equal(versions.cargo.satisfies(v, req), false, `${v} should not match ${req}`);
  }
  for (const bad of ['', '>', '1.2.3.4', 'a', '1.*.2', '^1.2-alpha', '01.2', '>=1.2.3-01', '1.2.3,']) {
    assert.throws(() => versions.cargo.parseRange(bad), { name: 'VersionError' }, JSON.stringify(bad));
  }
});

// The parts of the npm scheme that are Plimsoll's: rejections carry a reason,
// ranges npm refuses are refused with its message.
test('npm: invalid versions and ranges are refused with a reason', () => {
  assert.throws(() => versions.npm.parse('1.2'), /invalid npm version "1\.2": not a valid semver version/);
  assert.throws(() => versions.npm.parse('1'.repeat(300)), /longer than 256 characters/);
  assert.throws(() => versions.npm.parse('9007199254740992.0.0'), /above 9007199254740991/);
  assert.throws(() => versions.npm.parseRange('>=>1'), { name: 'VersionError', message: /invalid npm range/ });
  assert.throws(() => versions.npm.satisfies('x', '^1.0.0'), { name: 'VersionError' });
  assert.equal(versions.npm.compare(' v1.2.3 ', '1.2.3'), 0, 'npm trims and forgives a leading v');
});

// semver.org, item 11: numeric identifiers compare numerically, at any size.
test('semver: numbers beyond 2^64 compare exactly (hand-written from semver.org)', () => {
  assert.equal(versions.semver.compare('18446744073709551616.0.0', '18446744073709551615.0.0'), 1);
  assert.equal(versions.semver.compare('1.0.0-99999999999999999999', '1.0.0-99999999999999999998'), 1);
  assert.throws(() => versions.cargo.parse('18446744073709551616.0.0'), /does not fit in 64 bits/);
});
