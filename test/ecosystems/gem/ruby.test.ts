import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFilesystem } from '../../../src/inventory/run.js';
import { rubyAnalyzer } from '../../../src/ecosystems/gem/ruby.js';
import { dpkgAnalyzer } from '../../../src/ecosystems/deb/dpkg.js';
import { fsFromFiles } from '../../helpers/memory-fs.js';
import { analyzeFiles, FIXTURES, fixtureFiles } from '../helpers.js';

const read = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

describe('ruby', () => {
  it('real gemspecs from Debian packages equal what RubyGems (Gem::Specification.load) reads', async () => {
    const files = fixtureFiles('ruby-gemspecs');
    delete files['expected.tsv'];
    const { packages, warnings } = await analyzeFiles(rubyAnalyzer, files);
    assert.deepEqual(warnings, []);
    const expected = read('ruby-gemspecs/expected.tsv')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    assert.deepEqual(
      packages.map((p) => [p.name, p.version, p.licenses?.join(',') ?? '', p.locations[0]?.path]).sort(),
      expected.map(([name, version, , licenses, path]) => [name, version, licenses, path]).sort(),
    );
    assert.equal(packages.find((p) => p.name === 'rake')?.purl, 'pkg:gem/rake@13.0.6');
  });

  it('a Gemfile.lock written by Bundler 2.3 (bundle lock --local)', async () => {
    const { packages, warnings } = await analyzeFiles(rubyAnalyzer, { 'srv/Gemfile.lock': read('bundler/Gemfile.lock') });
    assert.deepEqual(warnings, []);
    assert.deepEqual(packages.map((p) => p.purl).sort(), ['pkg:gem/minitest@5.15.0', 'pkg:gem/rake@13.0.6', 'pkg:gem/webrick@1.8.1']);
  });

  it('platform gems: the version without the platform, a platform qualifier when the lock has one platform', async () => {
    // Hand-written lines in Bundler's layout (a native gem needs rubygems.org to lock).
    const lock =
      'GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.15.4-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.7.1)\n    sqlite3 (1.6.3-x86_64-linux)\n    sqlite3 (1.6.3-aarch64-linux)\n\nPLATFORMS\n  x86_64-linux\n';
    const { packages } = await analyzeFiles(rubyAnalyzer, { 'handwritten/Gemfile.lock': lock });
    assert.deepEqual(packages.map((p) => p.purl).sort(), ['pkg:gem/nokogiri@1.15.4?platform=x86_64-linux', 'pkg:gem/racc@1.7.1', 'pkg:gem/sqlite3@1.6.3']);
  });

  it('a gemspec a deb installed puts its gem identity on the deb (real status, .list and gemspec of ruby-webrick)', async () => {
    const fs = fsFromFiles(fixtureFiles('debian-ruby-webrick'));
    const { packages } = await analyzeFilesystem(fs, [dpkgAnalyzer, rubyAnalyzer]);
    assert.deepEqual(
      packages.filter((p) => p.type === 'gem'),
      [],
    );
    assert.equal(packages.find((p) => p.name === 'ruby-webrick')?.metadata?.languagePurl, 'pkg:gem/webrick@1.8.1');
  });

  it('malformed input: a warning naming the file', async () => {
    const path = 'usr/lib/ruby/gems/3.1.0/specifications/broken-1.0.gemspec';
    const { packages, warnings } = await analyzeFiles(rubyAnalyzer, {
      [path]: 'Gem::Specification.new do |s|\n  s.summary = "no name"\nend\n',
      'x/Gemfile.lock': '<html>not a lock</html>',
    });
    assert.deepEqual(packages, []);
    assert.deepEqual(warnings.map((w) => w.path).sort(), [path, 'x/Gemfile.lock']);
  });
});
