import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFilesystem } from '../../../src/inventory/run.js';
import { npmAnalyzer } from '../../../src/ecosystems/npm/npm.js';
import { apkAnalyzer } from '../../../src/ecosystems/apk/apk.js';
import type { Package } from '../../../src/model/package.js';
import { needTestbed } from '../../helpers/testbed.js';
import { fsFromFiles } from '../../helpers/memory-fs.js';
import { truthRows } from '../../helpers/truth.js';
import { analyzeFiles, debianAppInventory, FIXTURES, fixtureFiles, ids } from '../helpers.js';

interface LsNode {
  version?: string;
  path?: string;
  dev?: boolean;
  dependencies?: Record<string, LsNode>;
}

/** The tree `npm ls --all --json --long` printed for the fixture app (made with npm 11 in /tmp/lockgen/npm-v3). */
const npmLs = (() => {
  const root = JSON.parse(readFileSync(join(FIXTURES, 'npm-v3', 'npm-ls.json'), 'utf8')) as LsNode;
  const rows = new Map<string, { id: string; dev: boolean }>();
  const walk = (deps: Record<string, LsNode> | undefined): void => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (node.path) rows.set(node.path.replace(/^\/tmp\/lockgen\/npm-v3\//, ''), { id: `${name}@${node.version}`, dev: node.dev === true });
      walk(node.dependencies);
    }
  };
  walk(root.dependencies);
  return rows;
})();
const lsIds = [...new Set([...npmLs.values()].map((r) => r.id))].sort();
const lsDev = [...new Set([...npmLs.values()].filter((r) => r.dev).map((r) => r.id))].sort();

const devIds = (packages: Package[]): string[] => ids(packages.filter((p) => p.metadata?.dev === true));

describe('npm: installed tree', () => {
  it('debian-app equals the testbed truth: names, versions, paths, layer 2, nothing the top layer removed', { skip: needTestbed() }, async () => {
    const inventory = await debianAppInventory();
    const npm = inventory.packages.filter((p) => p.type === 'npm');
    const truth = truthRows('debian-app', 'npm.tsv');
    assert.deepEqual([...new Set(ids(npm))], [...new Set(ids(truth))].sort());
    assert.equal(new Set(ids(npm)).size, 68);
    assert.deepEqual(npm.map((p) => `/${p.locations[0]?.path.replace(/\/package\.json$/, '')}`).sort(), truth.map((r) => r.path).sort());
    assert.ok(!npm.some((p) => p.name === 'moment'), 'moment 2.18.1 was removed by the top layer');
    for (const p of npm) assert.equal(p.locations[0]?.layer.index, 2, `${p.name} layer`);
    assert.deepEqual(devIds(npm), ids(truth.filter((r) => (r.flags ?? '').split(',').includes('dev'))));
    assert.equal(npm.find((p) => p.name === 'express')?.purl, 'pkg:npm/express@4.16.0');
  });

  it('a real npm install: every copy at its own path (nested ms 2.1.3), dev marks as npm ls gives them', async () => {
    const files = {
      ...fixtureFiles('npm-v3/installed-tree', 'srv/app/node_modules/'),
      'srv/app/package.json': readFileSync(join(FIXTURES, 'npm-v3', 'package.json'), 'utf8'),
    };
    const { packages, warnings } = await analyzeFiles(npmAnalyzer, files);
    assert.deepEqual(warnings, []);
    const byPath = new Map(packages.map((p) => [p.locations[0]?.path.replace(/^srv\/app\//, '').replace(/\/package\.json$/, ''), p]));
    assert.deepEqual([...byPath.keys()].sort(), [...npmLs.keys()].sort());
    for (const [path, row] of npmLs) {
      assert.equal(`${byPath.get(path)?.name}@${byPath.get(path)?.version}`, row.id, path);
      assert.equal(byPath.get(path)?.metadata?.dev === true, row.dev, `${path} dev`);
    }
  });

  it('an installed tree wins over the lock files of the same app', async () => {
    const files = {
      ...fixtureFiles('npm-v3/installed-tree', 'app/node_modules/'),
      'app/package.json': readFileSync(join(FIXTURES, 'npm-v3', 'package.json'), 'utf8'),
      'app/package-lock.json': readFileSync(join(FIXTURES, 'npm-v3', 'package-lock.json'), 'utf8'),
      'app/yarn.lock': readFileSync(join(FIXTURES, 'yarn-v1', 'yarn.lock'), 'utf8'),
    };
    const { packages } = await analyzeFiles(npmAnalyzer, files);
    assert.ok(packages.every((p) => p.locations[0]?.path.startsWith('app/node_modules/')));
    assert.equal(packages.length, npmLs.size);
  });
});

describe('npm: files an OS package owns', () => {
  it('are not reported; their identity goes on the apk (hand-written apk database in its real format)', async () => {
    const fs = fsFromFiles({
      'lib/apk/db/installed': 'C:Q1handwritten=\nP:npm\nV:10.8.0-r0\nA:x86_64\nF:usr/lib/node_modules/npm\nR:package.json\n\n',
      'usr/lib/node_modules/npm/package.json': '{"name": "npm", "version": "10.8.0"}',
      'srv/node_modules/left-pad/package.json': '{"name": "left-pad", "version": "1.3.0"}',
    });
    const { packages } = await analyzeFilesystem(fs, [apkAnalyzer, npmAnalyzer]);
    assert.deepEqual(ids(packages.filter((p) => p.type === 'npm')), ['left-pad@1.3.0']);
    assert.equal(packages.find((p) => p.type === 'apk')?.metadata?.languagePurl, 'pkg:npm/npm@10.8.0');
  });
});

describe('npm: lock files made by the real tools (npm 11, yarn 1.22, yarn 4, pnpm 7/8/9) for the same app', () => {
  const cases: [string, string][] = [
    ['npm-v1', 'package-lock.json'],
    ['npm-v2', 'package-lock.json'],
    ['npm-v3', 'package-lock.json'],
    ['yarn-v1', 'yarn.lock'],
    ['yarn-berry', 'yarn.lock'],
    ['pnpm-v5', 'pnpm-lock.yaml'],
    ['pnpm-v6', 'pnpm-lock.yaml'],
    ['pnpm-v9', 'pnpm-lock.yaml'],
  ];
  for (const [dir, lock] of cases) {
    it(`${dir}/${lock}: the packages and dev marks npm ls gives`, async () => {
      const files = {
        'work/package.json': readFileSync(join(FIXTURES, dir, 'package.json'), 'utf8'),
        [`work/${lock}`]: readFileSync(join(FIXTURES, dir, lock), 'utf8'),
      };
      const { packages, warnings } = await analyzeFiles(npmAnalyzer, files);
      assert.deepEqual(warnings, []);
      assert.deepEqual(ids(packages), lsIds);
      assert.deepEqual(devIds(packages), lsDev);
      for (const p of packages) assert.equal(p.locations[0]?.path, `work/${lock}`);
    });
  }

  it('a yarn 4 lock with a repeated key (a merge conflict resolved by hand) is read as yarn reads it: the last value wins, with a warning', async () => {
    const lock = readFileSync(join(FIXTURES, 'yarn-berry', 'yarn.lock'), 'utf8');
    // The real lock with its semver entry repeated at another version below it.
    const repeated = `${lock.trimEnd()}\n\n"semver@npm:^5.6.0":\n  version: 5.7.2\n  resolution: "semver@npm:5.7.2"\n  languageName: node\n  linkType: hard\n`;
    const files = { 'work/package.json': readFileSync(join(FIXTURES, 'yarn-berry', 'package.json'), 'utf8'), 'work/yarn.lock': repeated };
    const { packages, warnings } = await analyzeFiles(npmAnalyzer, files);
    assert.deepEqual(
      ids(packages),
      lsIds.map((id) => (id === 'semver@5.7.3' ? 'semver@5.7.2' : id)),
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /1 repeated key in yarn\.lock .*the last value of each is used/);
  });

  it("pnpm 9 entries from a tarball take the version the entry records, under the key's name; a local directory is the project's own code", async () => {
    // Made by pnpm 9.15.9 (`pnpm install --lockfile-only`) from the package.json beside it.
    const files = {
      'work/package.json': readFileSync(join(FIXTURES, 'pnpm-v9-sources', 'package.json'), 'utf8'),
      'work/pnpm-lock.yaml': readFileSync(join(FIXTURES, 'pnpm-v9-sources', 'pnpm-lock.yaml'), 'utf8'),
    };
    const { packages, warnings } = await analyzeFiles(npmAnalyzer, files);
    assert.deepEqual(warnings, []);
    assert.deepEqual(ids(packages).sort(), ['is-number@7.0.0', 'left-pad@1.3.0', 'tgz-lib@2.0.1']);
  });

  it("node_modules/.package-lock.json (npm's hidden lock) when the package directories are gone", async () => {
    const files = { 'app/node_modules/.package-lock.json': readFileSync(join(FIXTURES, 'npm-v3', 'hidden-package-lock.json'), 'utf8') };
    const { packages } = await analyzeFiles(npmAnalyzer, files);
    assert.deepEqual(ids(packages), lsIds);
    assert.deepEqual(devIds(packages), lsDev);
  });

  it('a lock file inside node_modules belongs to a published package and is not read', () => {
    assert.equal(npmAnalyzer.wants({ path: 'app/node_modules/foo/yarn.lock', type: 'file', mode: 0o644, size: 10 }), false);
    assert.equal(npmAnalyzer.wants({ path: 'app/yarn.lock', type: 'file', mode: 0o644, size: 10 }), true);
  });
});

describe('npm: malformed input gives a warning naming the file', () => {
  const bad: [string, string, RegExp][] = [
    ['app/package-lock.json', '{"lockfileVersion": 3, "packages": {', /malformed JSON/],
    ['app/package-lock.json', '[1, 2]', /not a JSON object/],
    ['app/package-lock.json', '{"name": "x"}', /not an npm lock file/],
    ['app/pnpm-lock.yaml', 'packages:\n  - [unclosed', /malformed YAML/],
    ['app/pnpm-lock.yaml', 'packages:\n  /nover: {}\n', /no lockfileVersion/],
    ['app/yarn.lock', 'left-pad@^1.0.0:\n  version "1.3.0"\nbroken line without colon\n', /malformed yarn\.lock: line 3/],
    ['app/yarn.lock', '__metadata:\n  version: 6\n"a@npm:1": [', /malformed yarn\.lock/],
    ['app/node_modules/x/package.json', '{"name": "x"}', /has no version/],
    ['app/node_modules/y/package.json', '{"name": ', /malformed JSON/],
  ];
  for (const [path, body, message] of bad) {
    it(`${path}: ${message.source}`, async () => {
      const { packages, warnings } = await analyzeFiles(npmAnalyzer, { [path]: body });
      assert.deepEqual(packages, []);
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.equal(warnings[0]?.path, path);
      assert.match(warnings[0]?.message ?? '', message);
    });
  }
});
