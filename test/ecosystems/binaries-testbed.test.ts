// Go binaries and Java archives of the testbed images against the testbed truth (`go version -m`,
// the jars' pom.properties), through the whole pipeline; layers checked against the layer tars.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { openImage } from '../../src/image/open.js';
import { readImage } from '../../src/image/scan.js';
import { readJavaArchive } from '../../src/ecosystems/maven/java-archive.js';
import { BINARY_ANALYZERS } from '../../src/ecosystems/registry.js';
import { stdlibVersion } from '../../src/ecosystems/golang/go-binary.js';
import { dpkgAnalyzer } from '../../src/ecosystems/deb/dpkg.js';
import { inventoryImage, type InventoryResult } from '../../src/inventory/run.js';
import type { Package } from '../../src/model/package.js';
import { golangPurl } from '../../src/ecosystems/golang/purl.js';
import { mavenPurl } from '../../src/ecosystems/maven/purl.js';
import { needTestbed, TESTBED } from '../helpers/testbed.js';

function truth(image: string, file: string): Record<string, string>[] {
  const [header = '', ...lines] = readFileSync(join(TESTBED, 'truth', image, file), 'utf8').split('\n');
  const columns = header.split('\t');
  return lines.filter((l) => l !== '').map((l) => Object.fromEntries(l.split('\t').map((v, i) => [columns[i] ?? '', v])));
}

/** Truth paths are absolute; Plimsoll's have no leading slash. */
const rel = (path: string): string => path.replace(/^\//, '');

/** The digest of the topmost layer whose tar holds `path` (listed by tar itself). */
function layerListing(image: string): (path: string) => string | undefined {
  const index = JSON.parse(readFileSync(join(TESTBED, 'truth', image, 'image.json'), 'utf8')) as { layers: { digest: string }[] };
  const listings = index.layers.map((layer) => {
    const blob = join(TESTBED, 'oci', image, 'blobs', layer.digest.replace(':', '/'));
    const names = execFileSync('tar', ['-tzf', blob], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }).split('\n');
    return { digest: layer.digest, names: new Set(names.map((n) => n.replace(/^\.?\//, ''))) };
  });
  return (path) => listings.findLast((l) => l.names.has(path))?.digest;
}

function goExpected(image: string): string[] {
  const stdlib = truth(image, 'go.tsv').map((r) => `${rel(r.binary ?? '')} stdlib@${stdlibVersion(r.go_version ?? '')}`);
  const deps = truth(image, 'go-deps.tsv').map((r) => `${rel(r.binary ?? '')} ${r.replaced_by || r.module}@${r.version}`);
  return [...stdlib, ...deps].sort();
}

/**
 * debian-app's `usr/` binaries and jars come from Debian packages (layer 1's apt-get), `app/` from the
 * user's build: the first are recorded on their deb as `languagePurl`, the second reported as packages.
 */
const osInstalled = (row: string): boolean => row.startsWith('usr/');

/** Every language identity recorded on an OS package. */
const osIdentities = (packages: Package[]): Set<string> =>
  new Set(
    packages.flatMap((p) =>
      String(p.metadata?.languagePurl ?? '')
        .split(' ')
        .filter(Boolean),
    ),
  );

const goPurlOf = (row: string): string => {
  const [name = '', version = ''] = (row.split(' ')[1] ?? '').split('@');
  return golangPurl(name, version);
};

const goReported = (packages: Package[]): string[] =>
  packages
    .filter((p) => p.type === 'golang')
    .map((p) => `${p.locations[0]?.path} ${p.name}@${p.version}`)
    .sort();

describe('binary formats on the testbed', { skip: needTestbed() }, () => {
  const analyzers = [dpkgAnalyzer, ...BINARY_ANALYZERS];
  let app: InventoryResult;
  let scratch: InventoryResult;

  before(async () => {
    app = await inventoryImage(await openImage(`oci:${TESTBED}/oci/debian-app:1.0`), { analyzers });
    scratch = await inventoryImage(await openImage(`oci:${TESTBED}/oci/scratch-go:1.0`), { analyzers });
  });

  it('debian-app: stdlib per Go binary and the modules go version -m lists, nothing more', () => {
    const expected = goExpected('debian-app');
    assert.ok(expected.includes('app/bin/healthcheck golang.org/x/net@v0.7.0'));
    assert.ok(expected.includes('app/bin/healthcheck github.com/google/uuid@v1.3.0'));
    assert.ok(expected.includes('usr/bin/fzf stdlib@v1.19.8'));
    assert.deepEqual(
      goReported(app.packages),
      expected.filter((r) => !osInstalled(r)),
    );
    const recorded = osIdentities(app.packages);
    for (const row of expected.filter(osInstalled)) assert.ok(recorded.has(goPurlOf(row)), `${row} recorded on its deb`);
  });

  it('scratch-go: the static shfmt binary', () => {
    assert.deepEqual(goReported(scratch.packages), goExpected('scratch-go'));
    assert.equal(scratch.packages.find((p) => p.name === 'stdlib')?.purl, 'pkg:golang/stdlib@v1.19.8');
  });

  it('debian-app: one package per pom.properties, symlinked copies not repeated, removed jars absent', () => {
    const rows = truth('debian-app', 'java.tsv');
    assert.ok(rows.length > 0 && rows.every((r) => osInstalled(rel(r.archive ?? ''))), 'all jars of debian-app come from debs');
    assert.deepEqual(
      app.packages.filter((p) => p.type === 'maven'),
      [],
      'no jar reported twice',
    );
    const recorded = osIdentities(app.packages);
    for (const r of rows)
      assert.ok(recorded.has(mavenPurl(r.groupId, r.artifactId ?? '', r.version ?? '')), `${r.groupId}:${r.artifactId}@${r.version} recorded on its deb`);
    assert.equal(
      [...recorded].filter((p) => p.startsWith('pkg:maven/')).length,
      new Set(rows.map((r) => `${r.groupId}:${r.artifactId}@${r.version}`)).size,
      'nothing extra',
    );
    for (const row of truth('debian-app', 'removed-by-top-layer.tsv').filter((r) => r.type === 'java')) {
      const version = /version=(\S+)/.exec(row.finding_that_must_not_be_reported ?? '')?.[1];
      const artifact = /artifactId=(\S+)/.exec(row.finding_that_must_not_be_reported ?? '')?.[1];
      assert.equal(
        app.packages.find((p) => p.name.endsWith(`:${artifact}`) && p.version === version),
        undefined,
        row.finding_that_must_not_be_reported,
      );
    }
  });

  it('debian-app: each package in the layer whose tar last wrote its file', () => {
    const layerOf = layerListing('debian-app');
    const language = app.packages.filter((p) => p.type !== 'deb');
    assert.ok(language.length > 0);
    for (const p of language) {
      const path = p.locations[0]?.path ?? '';
      assert.equal(p.locations[0]?.layer.digest, layerOf(path), `${p.name} at ${path}`);
    }
  });

  it('debian-app: identities go on the deb that installed the file (fzf on fzf, commons-io on libcommons-io-java)', () => {
    const deb = (name: string): string => String(app.packages.find((p) => p.type === 'deb' && p.name === name)?.metadata?.languagePurl ?? '');
    assert.match(deb('fzf'), /pkg:golang\/stdlib@v1\.19\.8/);
    assert.match(deb('libcommons-io-java'), /pkg:maven\/commons-io\/commons-io@2\.11\.0/);
  });

  it('debian-app: the jars carry their SHA-1 (as sha1sum computes it from the layer)', async () => {
    const file = (
      await readImage(await openImage(`oci:${TESTBED}/oci/debian-app:1.0`), {
        requests: [{ name: 'jar', wants: (f) => f.path === 'usr/share/java/commons-io.jar' }],
      })
    ).fs.read('usr/share/java/commons-io.jar');
    assert.ok(file);
    const jar = (await readJavaArchive(file)).packages[0];
    const layerBlob = join(TESTBED, 'oci', 'debian-app', 'blobs', file.layer.digest.replace(':', '/'));
    const body = execFileSync('tar', ['-xzOf', layerBlob, 'usr/share/java/commons-io.jar'], { maxBuffer: 64 * 1024 * 1024 });
    const sha1 = execFileSync('sha1sum', { input: body, encoding: 'utf8' }).split(' ')[0];
    assert.equal(jar?.metadata?.sha1, sha1);
  });

  it('reads both images without warnings', () => {
    assert.deepEqual(app.warnings, []);
    assert.deepEqual(scratch.warnings, []);
  });
});
