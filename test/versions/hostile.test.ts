// No input makes a comparator throw anything but VersionError (an InputError
// that names the input and the reason), nor take long: empty strings, 10,000
// characters, control characters, lone separators, odd Unicode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { versions, type SchemeName } from '../../src/versions/index.js';
import { rng } from './generators.js';

const random = rng(7);
const HOSTILE = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  '1\u00002',
  '\u0001\u001f\u007f',
  '.',
  '-',
  '..',
  '--',
  '~',
  '^',
  ':',
  '+',
  '_',
  '.-_+~^:!',
  '1'.repeat(10_000),
  '1.'.repeat(5_000),
  'a'.repeat(10_000),
  '-'.repeat(10_000),
  `1.0.0-${'a.'.repeat(4_999)}a`,
  `v${'9'.repeat(400)}.0.0`,
  // Long runs where a pattern with nested quantifiers would backtrack for ever.
  `1.0-beta${'1'.repeat(60)}!`,
  `1.0-beta${'1.'.repeat(60)}!`,
  `1${'.0'.repeat(60)}a!`,
  `1.0${'-1'.repeat(60)}_!`,
  '\ud800',
  '1.0\udfff',
  '\u0663.\uff11',
  'é',
  '1.0 2.0',
  Array.from({ length: 2_000 }, () => String.fromCharCode(Math.floor(random() * 0x3000))).join(''),
];

for (const name of Object.keys(versions) as SchemeName[]) {
  const scheme = versions[name];
  test(`${name}: hostile input is accepted or refused with a VersionError`, () => {
    const started = Date.now();
    for (const input of HOSTILE) {
      for (const call of [() => scheme.parse(input), () => scheme.compare(input, '1.0.0'), () => scheme.compare('1.0.0', input)]) {
        try {
          call();
        } catch (err) {
          assert.ok(err instanceof InputError, `${name} threw ${String(err)} for ${JSON.stringify(input.slice(0, 40))}`);
          assert.equal(err.name, 'VersionError');
          assert.match(err.message, new RegExp(`^invalid ${name} `));
          assert.ok(!err.message.includes('\n') && err.message.length < 300, `one short line: ${err.message.slice(0, 100)}`);
        }
      }
      if ('satisfies' in scheme) {
        for (const call of [() => scheme.parseRange(input), () => scheme.satisfies('1.0.0', input)]) {
          try {
            call();
          } catch (err) {
            assert.ok(err instanceof InputError, `${name} range threw ${String(err)}`);
          }
        }
      }
    }
    assert.ok(Date.now() - started < 5_000, `${name} took ${Date.now() - started} ms on hostile input`);
  });
}

test('refusals state the reason the ecosystem gives', () => {
  assert.throws(() => versions.dpkg.parse(''), /version string is empty/);
  assert.throws(() => versions.dpkg.parse('1.0 2.0'), /version string has embedded spaces/);
  assert.throws(() => versions.dpkg.parse('1a:1.0'), /epoch in version is not number/);
  assert.throws(() => versions.dpkg.parse('1.0-'), /revision number is empty/);
  assert.throws(() => versions.rpm.parse(''), /version string is empty/);
  assert.throws(() => versions.pep440.parse('1.0-foo'), /not a valid PEP 440 version/);
  assert.throws(() => versions.rubygems.parse('1.0!'), /malformed version number string/);
  assert.throws(() => versions.apk.parse('1.0_foo'), /invalid apk version "1\.0_foo"/);
  assert.throws(() => versions.semver.parse('1.02.0'), /leading zeros/);
  assert.throws(() => versions.golang.parse('1.2.3'), /must start with 'v'/);
});
