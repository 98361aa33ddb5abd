import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileInfo } from '../../src/image/files.js';
import { MANIFEST_ANALYZERS } from '../../src/ecosystems/registry.js';

const file = (path: string): FileInfo => ({ path, type: 'file', mode: 0o644, size: 100 });
const wanted = (path: string): string[] => MANIFEST_ANALYZERS.filter((a) => a.wants(file(path))).map((a) => a.name);

describe('which files the manifest analyzers read', () => {
  it('project lock files and installed metadata', () => {
    const cases: [string, string[]][] = [
      ['app/package-lock.json', ['npm']],
      ['app/node_modules/.package-lock.json', ['npm']],
      ['app/node_modules/@scope/pkg/package.json', ['npm']],
      ['srv/poetry.lock', ['python']],
      ['srv/requirements-dev.txt', ['python']],
      ['opt/venv/lib/python3.12/site-packages/flask-3.0.0.dist-info/METADATA', ['python']],
      ['usr/lib/python3/dist-packages/six-1.16.0.egg-info', ['python']],
      ['var/lib/gems/3.1.0/specifications/rack-3.0.8.gemspec', ['ruby']],
      ['srv/Gemfile.lock', ['ruby']],
      ['build/Cargo.lock', ['cargo-lock']],
      ['var/www/composer.lock', ['composer']],
      ['var/www/vendor/composer/installed.json', ['composer']],
      ['app/WebApp.deps.json', ['dotnet']],
      ['src/packages.lock.json', ['dotnet']],
    ];
    for (const [path, names] of cases) assert.deepEqual(wanted(path), names, path);
  });

  it('not the lock files that installed packages carry inside them, nor other files', () => {
    for (const path of [
      'app/node_modules/left-pad/yarn.lock',
      'app/node_modules/left-pad/lib/package.json',
      'usr/lib/python3/dist-packages/foo/requirements.txt',
      'var/lib/gems/3.1.0/gems/rack-3.0.8/Gemfile.lock',
      'root/.cargo/registry/src/index.crates.io-6f17d22bba15001f/itoa-1.0.9/Cargo.lock',
      'usr/share/cargo/registry/itoa-1.0.9/Cargo.lock',
      'var/www/vendor/monolog/monolog/composer.lock',
      'usr/bin/python3',
      'etc/requirements.conf',
    ]) {
      assert.deepEqual(wanted(path), [], path);
    }
  });

  it('only regular files', () => {
    assert.ok(MANIFEST_ANALYZERS.every((a) => !a.wants({ path: 'app/package-lock.json', type: 'symlink', mode: 0o777, size: 0, linkTarget: 'x' })));
  });
});
