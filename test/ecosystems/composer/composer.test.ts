import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { composerAnalyzer } from '../../../src/ecosystems/composer/composer.js';
import type { Package } from '../../../src/model/package.js';
import { analyzeFiles, FIXTURES } from '../helpers.js';

const read = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');
const show = (file: string): string[] =>
  (JSON.parse(read(`composer/${file}`)) as { installed: { name: string; version: string }[] }).installed.map((p) => `${p.name}@${p.version}`).sort();
const summary = (packages: Package[]): string[] => packages.map((p) => `${p.name}@${p.version}`).sort();

describe('php: composer', () => {
  const all = show('composer-show.json');
  const prod = show('composer-show-no-dev.json');
  const dev = all.filter((p) => !prod.includes(p));

  it('composer.lock by Composer 2.5: the packages `composer show` lists, dev ones as `--no-dev` leaves out', async () => {
    const { packages, warnings } = await analyzeFiles(composerAnalyzer, { 'srv/composer.lock': read('composer/composer.lock') });
    assert.deepEqual(warnings, []);
    assert.deepEqual(summary(packages), all);
    assert.deepEqual(summary(packages.filter((p) => p.metadata?.dev)), dev);
    assert.equal(packages.find((p) => p.name === 'acme/Test-Kit')?.purl, 'pkg:composer/acme/test-kit@v2.0.0');
    assert.deepEqual(packages.find((p) => p.name === 'acme/util')?.licenses, ['BSD-3-Clause']);
  });

  it('vendor/composer/installed.json of Composer 2 (what ships) wins over the lock file beside it', async () => {
    const { packages, warnings } = await analyzeFiles(composerAnalyzer, {
      'srv/composer.lock': read('composer/composer.lock'),
      'srv/vendor/composer/installed.json': read('composer/vendor/composer/installed.json'),
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(summary(packages), all);
    assert.deepEqual(summary(packages.filter((p) => p.metadata?.dev)), dev);
    assert.ok(packages.every((p) => p.locations[0]?.path === 'srv/vendor/composer/installed.json'));
  });

  it("installed.json in Composer 1's layout (hand-written: a plain array)", async () => {
    const { packages } = await analyzeFiles(composerAnalyzer, { 'var/www/vendor/composer/installed.json': read('handwritten-composer1/installed.json') });
    assert.deepEqual(summary(packages), ['monolog/monolog@1.27.1', 'psr/log@1.1.4']);
  });

  it('malformed input: a warning naming the file', async () => {
    const bad: Record<string, string> = {
      'a/composer.lock': '{"packages": [',
      'b/composer.lock': '{"content-hash": "x"}',
      'c/vendor/composer/installed.json': '"text"',
    };
    const { packages, warnings } = await analyzeFiles(composerAnalyzer, bad);
    assert.deepEqual(packages, []);
    assert.deepEqual(warnings.map((w) => w.path).sort(), Object.keys(bad).sort());
  });
});
