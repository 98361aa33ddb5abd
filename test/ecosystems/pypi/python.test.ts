import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pythonAnalyzer } from '../../../src/ecosystems/pypi/python.js';
import type { Package } from '../../../src/model/package.js';
import { pep503Name, pypiPurl } from '../../../src/ecosystems/pypi/purl.js';
import { needTestbed } from '../../helpers/testbed.js';
import { truthRows } from '../../helpers/truth.js';
import { analyzeFiles, debianAppInventory, FIXTURES, fixtureFiles } from '../helpers.js';

const read = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');
const pins = (packages: Package[]): string[] => packages.map((p) => `${p.name}==${p.version}${p.metadata?.dev ? ' (dev)' : ''}`).sort();

describe('python: installed distributions', () => {
  it('debian-app: every truth row is the PyPI identity of the deb that installed it, in layer 1; no pypi duplicates', { skip: needTestbed() }, async () => {
    const { packages } = await debianAppInventory();
    assert.deepEqual(
      packages.filter((p) => p.type === 'pypi'),
      [],
      'dist-packages files belong to their debs',
    );
    for (const row of truthRows('debian-app', 'python.tsv')) {
      const purl = pypiPurl(row.name ?? '', row.version ?? '');
      const owners = packages.filter((p) =>
        String(p.metadata?.languagePurl ?? '')
          .split(' ')
          .includes(purl),
      );
      assert.equal(owners.length, 1, `${purl} recorded on one OS package`);
      assert.equal(owners[0]?.type, 'deb');
      assert.equal(owners[0]?.locations[0]?.layer.index, 1, `${purl} layer`);
    }
    assert.equal(packages.find((p) => p.name === 'python3-requests')?.metadata?.languagePurl, 'pkg:pypi/requests@2.28.1');
  });

  it('real metadata files (Debian, pip, CPython 2.7 distutils) equal what importlib.metadata reads, names as PEP 503 says', async () => {
    const files = fixtureFiles('python-site');
    delete files['expected.tsv'];
    const { packages, warnings } = await analyzeFiles(pythonAnalyzer, files);
    assert.deepEqual(warnings, []);
    const expected = read('python-site/expected.tsv')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    assert.deepEqual(
      packages.map((p) => `${p.name}@${p.version} ${p.locations[0]?.path.replace(/\/(METADATA|PKG-INFO)$/, '')}`).sort(),
      expected.map(([name = '', version, path]) => `${pep503Name(name)}@${version} ${path}`).sort(),
    );
    assert.equal(packages.find((p) => p.name === 'pyyaml')?.purl, 'pkg:pypi/pyyaml@6.0');
    assert.deepEqual(packages.find((p) => p.name === 'pyyaml')?.licenses, ['MIT']);
  });

  it('metadata an OS package owns is skipped (its identity goes on the OS package)', async () => {
    const path = 'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA';
    const { packages } = await analyzeFiles(pythonAnalyzer, { [path]: read(`python-site/${path}`) }, [path]);
    assert.deepEqual(packages, []);
  });
});

describe('python: lock files', () => {
  it('pip freeze output (real pip 23): every line a package', async () => {
    const text = read('pip-freeze/requirements.txt');
    const { packages } = await analyzeFiles(pythonAnalyzer, { 'app/requirements.txt': text });
    assert.deepEqual(
      pins(packages),
      text
        .trim()
        .split('\n')
        .map((l) => {
          const [n = '', v] = l.split('==');
          return `${pep503Name(n)}==${v}`;
        })
        .sort(),
    );
    assert.ok(packages.every((p) => p.locations[0]?.path === 'app/requirements.txt'));
  });

  it('pip freeze redirected by Windows PowerShell (UTF-16LE, byte-order mark, CRLF) and other encodings read the same', async () => {
    const text = read('pip-freeze/requirements.txt');
    const crlf = text.replace(/\n/g, '\r\n');
    const le = Buffer.from(crlf, 'utf16le');
    const encodings: Record<string, Buffer> = {
      'a/requirements.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), le]),
      'b/requirements.txt': le,
      'c/requirements.txt': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]),
      'd/requirements.txt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf)]),
    };
    const { packages, warnings } = await analyzeFiles(pythonAnalyzer, encodings);
    assert.deepEqual(warnings, []);
    const expected = text.trim().split('\n').length;
    for (const dir of ['a/', 'b/', 'c/', 'd/']) assert.equal(packages.filter((p) => p.locations[0]?.path.startsWith(dir)).length, expected, dir);
  });

  it('handwritten requirements: only == and === pins, extras, markers and hashes allowed', async () => {
    const { packages } = await analyzeFiles(pythonAnalyzer, { 'app/requirements-prod.txt': read('handwritten-requirements/requirements-prod.txt') });
    assert.deepEqual(pins(packages), ['django==4.2.7', 'requests==2.31.0', 'zope-interface==6.1']);
  });

  it('handwritten poetry.lock (category = dev), uv.lock (the project itself left out), Pipfile.lock (develop-only is dev)', async () => {
    const { packages, warnings } = await analyzeFiles(pythonAnalyzer, {
      'p/poetry.lock': read('handwritten-poetry/poetry.lock'),
      'u/uv.lock': read('handwritten-uv/uv.lock'),
      'e/Pipfile.lock': read('handwritten-pipenv/Pipfile.lock'),
    });
    assert.deepEqual(warnings, []);
    const at = (dir: string): string[] => pins(packages.filter((p) => p.locations[0]?.path.startsWith(dir)));
    assert.deepEqual(at('p/'), ['flask==2.2.5', 'pytest==7.4.0 (dev)', 'werkzeug==2.2.3']);
    assert.deepEqual(at('u/'), ['certifi==2024.8.30', 'requests==2.32.3']);
    assert.deepEqual(at('e/'), ['black==23.11.0 (dev)', 'django==4.2.7', 'sqlparse==0.4.4']);
  });
});

describe('python: malformed input gives a warning naming the file', () => {
  const bad: [string, string, RegExp][] = [
    ['app/poetry.lock', '[[package]\nname = "x"', /malformed TOML/],
    ['app/uv.lock', 'version = 1\n', /no \[\[package\]\] entries/],
    ['app/Pipfile.lock', '{"default": ', /malformed JSON/],
    ['app/Pipfile.lock', '{"_meta": {}}', /neither "default" nor "develop"/],
    ['venv/lib/python3.12/site-packages/x-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: x\n', /no Version/],
    ['venv/lib/python3.12/site-packages/y-1.0.egg-info', '\u0000\u0001binary', /no Name/],
  ];
  for (const [path, body, message] of bad) {
    it(`${path}: ${message.source}`, async () => {
      const { packages, warnings } = await analyzeFiles(pythonAnalyzer, { [path]: body });
      assert.deepEqual(packages, []);
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.equal(warnings[0]?.path, path);
      assert.match(warnings[0]?.message ?? '', message);
    });
  }
});
