import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PackageURL } from 'packageurl-js';
import { cargoPurl } from '../../src/ecosystems/cargo/purl.js';
import { composerPurl } from '../../src/ecosystems/composer/purl.js';
import { gemPurl } from '../../src/ecosystems/gem/purl.js';
import { npmPurl } from '../../src/ecosystems/npm/purl.js';
import { nugetPurl } from '../../src/ecosystems/nuget/purl.js';
import { pep503Name, pypiPurl } from '../../src/ecosystems/pypi/purl.js';

describe('language purls', () => {
  it('match the purl specification examples (hand-copied from its PURL-TYPES list)', () => {
    assert.equal(npmPurl('@angular/animation', '12.3.1'), 'pkg:npm/%40angular/animation@12.3.1');
    assert.equal(npmPurl('foobar', '12.3.1'), 'pkg:npm/foobar@12.3.1');
    assert.equal(pypiPurl('django', '1.11.1'), 'pkg:pypi/django@1.11.1');
    assert.equal(pypiPurl('django-allauth', '12.23'), 'pkg:pypi/django-allauth@12.23');
    assert.equal(gemPurl('ruby-advisory-db-check', '0.12.4'), 'pkg:gem/ruby-advisory-db-check@0.12.4');
    assert.equal(gemPurl('jruby-launcher', '1.1.2', 'java'), 'pkg:gem/jruby-launcher@1.1.2?platform=java');
    assert.equal(cargoPurl('rand', '0.7.2'), 'pkg:cargo/rand@0.7.2');
    assert.equal(composerPurl('laravel/laravel', '5.5.0'), 'pkg:composer/laravel/laravel@5.5.0');
    assert.equal(nugetPurl('EnterpriseLibrary.Common', '6.0.1304'), 'pkg:nuget/EnterpriseLibrary.Common@6.0.1304');
  });

  it('PEP 503 names: runs of -, _ and . become one -, lower case', () => {
    assert.equal(pep503Name('Friendly-Bard'), 'friendly-bard');
    assert.equal(pep503Name('FRIENDLY-BARD'), 'friendly-bard');
    assert.equal(pep503Name('friendly.bard'), 'friendly-bard');
    assert.equal(pep503Name('friendly_bard'), 'friendly-bard');
    assert.equal(pep503Name('friendly--bard'), 'friendly-bard');
    assert.equal(pep503Name('FrIeNdLy-._.-bArD'), 'friendly-bard');
    assert.equal(pypiPurl('Zope.Interface', '6.1'), 'pkg:pypi/zope-interface@6.1');
  });

  it('parse back (packageurl-js) to their namespace, name, version and qualifiers', () => {
    const cases: [string, string | undefined, string, string, Record<string, string> | undefined][] = [
      [npmPurl('@types/node', '20.1.0'), '@types', 'node', '20.1.0', undefined],
      [gemPurl('nokogiri', '1.15.4', 'x86_64-linux'), undefined, 'nokogiri', '1.15.4', { platform: 'x86_64-linux' }],
      [composerPurl('Acme/Test-Kit', 'v2.0.0'), 'acme', 'test-kit', 'v2.0.0', undefined],
      [nugetPurl('Newtonsoft.Json', '13.0.1+build'), undefined, 'Newtonsoft.Json', '13.0.1+build', undefined],
    ];
    for (const [purl, namespace, name, version, qualifiers] of cases) {
      const parsed = PackageURL.fromString(purl);
      assert.equal(parsed.namespace ?? undefined, namespace, purl);
      assert.equal(parsed.name, name, purl);
      assert.equal(parsed.version, version, purl);
      assert.deepEqual(parsed.qualifiers ? { ...parsed.qualifiers } : undefined, qualifiers, purl);
    }
  });
});
