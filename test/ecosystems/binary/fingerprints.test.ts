// Binary fingerprints on real builds: each runtime's binary (or library, or version file) is taken
// from its Debian package (cached by scripts/fetch-debs.sh under $PLIMSOLL_TESTBED/debs) and put
// where dpkg does not know it, in a `dir:` image; the version expected is the package's own control
// Version reduced to the upstream release, computed here without the analyzer. The same files at
// their Debian paths, with a dpkg database that owns them, must not be reported again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openImage } from '../../../src/image/open.js';
import { fingerprint } from '../../../src/ecosystems/binary/fingerprint.js';
import { inventoryImage } from '../../../src/inventory/run.js';
import type { Package } from '../../../src/model/package.js';
import type { NvdRecord } from '../../../src/vulndb/types.js';
import { cpeCandidates } from '../../../src/match/cpe/candidates.js';
import { matchCpe } from '../../../src/match/cpe/index.js';
import { cvssScore } from '../../../src/match/cvss/index.js';
import { matchedByCpe } from '../../../src/match/ecosystems.js';
import { TESTBED } from '../../helpers/testbed.js';

const DEBS = join(TESTBED, 'debs');

interface Case {
  /** The Debian package carrying the file. */
  deb: string;
  /** The file's path in the package. */
  path: string;
  /** Where the unowned copy goes in the test image. */
  place: string;
  name: string;
  cpe: string;
  /** The upstream version as the component writes it, from the package's upstream version. */
  version?: (upstream: string) => string;
  /** Why this copy is named differently from the package's file. */
  why?: string;
}

const CASES: Case[] = [
  { deb: 'libnode108', path: 'usr/lib/x86_64-linux-gnu/libnode.so.108', place: 'opt/node/lib/libnode.so.108', name: 'node', cpe: 'nodejs:node.js' },
  { deb: 'python3.11-minimal', path: 'usr/bin/python3.11', place: 'opt/python/bin/python3.11', name: 'python', cpe: 'python:python' },
  {
    deb: 'libpython3.11',
    path: 'usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0',
    place: 'opt/python/lib/libpython3.11.so.1.0',
    name: 'python',
    cpe: 'python:python',
  },
  { deb: 'openssl', path: 'usr/bin/openssl', place: 'opt/app/bin/openssl', name: 'openssl', cpe: 'openssl:openssl' },
  { deb: 'libssl3', path: 'usr/lib/x86_64-linux-gnu/libcrypto.so.3', place: 'opt/app/lib/libcrypto.so.3', name: 'openssl', cpe: 'openssl:openssl' },
  { deb: 'busybox', path: 'bin/busybox', place: 'opt/app/bin/busybox', name: 'busybox', cpe: 'busybox:busybox' },
  { deb: 'curl', path: 'usr/bin/curl', place: 'opt/app/bin/curl', name: 'curl', cpe: 'haxx:curl' },
  { deb: 'libcurl4', path: 'usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0', place: 'opt/app/lib/libcurl.so.4.8.0', name: 'libcurl', cpe: 'haxx:curl haxx:libcurl' },
  { deb: 'nginx', path: 'usr/sbin/nginx', place: 'opt/app/sbin/nginx', name: 'nginx', cpe: 'f5:nginx nginx:nginx' },
  { deb: 'apache2-bin', path: 'usr/sbin/apache2', place: 'opt/app/sbin/apache2', name: 'httpd', cpe: 'apache:http_server' },
  // Debian's redis-server is a symlink to this same binary (redis-server package, /usr/bin/redis-server).
  {
    deb: 'redis-tools',
    path: 'usr/bin/redis-check-rdb',
    place: 'opt/app/bin/redis-server',
    name: 'redis',
    cpe: 'redis:redis redislabs:redis',
    why: 'redis-server',
  },
  { deb: 'postgresql-15', path: 'usr/lib/postgresql/15/bin/postgres', place: 'opt/app/bin/postgres', name: 'postgresql', cpe: 'postgresql:postgresql' },
  { deb: 'mariadb-server-core', path: 'usr/sbin/mariadbd', place: 'opt/app/sbin/mariadbd', name: 'mariadb', cpe: 'mariadb:mariadb' },
  { deb: 'memcached', path: 'usr/bin/memcached', place: 'opt/app/bin/memcached', name: 'memcached', cpe: 'memcached:memcached' },
  { deb: 'haproxy', path: 'usr/sbin/haproxy', place: 'opt/app/sbin/haproxy', name: 'haproxy', cpe: 'haproxy:haproxy' },
  { deb: 'php8.2-cli', path: 'usr/bin/php8.2', place: 'opt/app/bin/php8.2', name: 'php', cpe: 'php:php' },
  { deb: 'libruby3.1', path: 'usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2', place: 'opt/ruby/lib/libruby-3.1.so.3.1.2', name: 'ruby', cpe: 'ruby-lang:ruby' },
  { deb: 'perl-base', path: 'usr/bin/perl', place: 'opt/app/bin/perl', name: 'perl', cpe: 'perl:perl' },
  // The release file's JAVA_VERSION leaves out the build number Debian's version carries (17.0.21.1+2).
  {
    deb: 'openjdk-17-jre-headless',
    path: 'usr/lib/jvm/java-17-openjdk-amd64/release',
    place: 'opt/java/openjdk/release',
    name: 'openjdk',
    cpe: 'oracle:openjdk oracle:jdk oracle:jre',
    version: (v) => v.replace(/\+\d+$/, ''),
  },
  { deb: 'bash', path: 'bin/bash', place: 'opt/app/bin/bash', name: 'bash', cpe: 'gnu:bash' },
];

/** The Go toolchain: its `go` binary (Go build information, the Go binary analyzer's) and GOROOT's VERSION file. */
const GO = { deb: 'golang-1.19-go', binary: 'usr/lib/go-1.19/bin/go', version: 'usr/lib/go-1.19/VERSION' };

/** The upstream release in a Debian version: no epoch, no Debian revision, no repack suffix; `+really` names the real one. */
function upstream(debVersion: string): string {
  const noEpoch = debVersion.replace(/^\d+:/, '');
  const noRevision = noEpoch.includes('-') ? noEpoch.slice(0, noEpoch.lastIndexOf('-')) : noEpoch;
  const really = /\+really(.+)$/.exec(noRevision)?.[1] ?? noRevision;
  return really.replace(/\+(?:dfsg|ds|repack).*$/, '');
}

function debFile(pkg: string): string | undefined {
  const name = existsSync(DEBS) ? readdirSync(DEBS).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb')) : undefined;
  return name ? join(DEBS, name) : undefined;
}

/** Extracts the named files of a package under `to` (dpkg-deb -x would write the whole tree). */
function extract(deb: string, paths: string[], to: string): void {
  mkdirSync(to, { recursive: true });
  execFileSync('sh', ['-c', 'deb=$1 to=$2; shift 2; dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$to" "$@"', 'sh', deb, to, ...paths.map((p) => `./${p}`)]);
}

function copy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

const control = (deb: string, field: string): string => execFileSync('dpkg-deb', ['-f', deb, field], { encoding: 'utf8' }).trim();

function missing(pkg: string): string | undefined {
  return debFile(pkg) ? undefined : `${pkg} not downloaded to ${DEBS} (scripts/fetch-debs.sh scripts/fingerprint-debs.list ${DEBS})`;
}

/** For the tests over the whole image: skipped only when no package at all was downloaded. */
const NONE = [...new Set(CASES.map((c) => c.deb))].every((p) => missing(p)) ? `no package downloaded to ${DEBS}` : undefined;

const at = (packages: Package[], path: string): Package[] => packages.filter((p) => p.locations[0]?.path === path);

describe('binary fingerprints of real Debian builds', () => {
  let work: string;
  let unowned: Package[];
  let owned: Package[];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-fingerprints-'));
    const free = join(work, 'free');
    const debian = join(work, 'debian');
    const info = join(debian, 'var/lib/dpkg/info');
    mkdirSync(info, { recursive: true });
    const byDeb = new Map<string, string[]>([[GO.deb, [GO.binary, GO.version]]]);
    for (const c of CASES) byDeb.set(c.deb, [...(byDeb.get(c.deb) ?? []), c.path]);
    // Each package's files at their Debian paths, owned by a dpkg database that lists them.
    const status: string[] = [];
    for (const [pkg, paths] of byDeb) {
      const deb = debFile(pkg);
      if (!deb) continue;
      extract(deb, paths, debian);
      writeFileSync(join(info, `${pkg}.list`), paths.map((p) => `/${p}\n`).join(''));
      status.push(`Package: ${pkg}\nStatus: install ok installed\nArchitecture: ${control(deb, 'Architecture')}\nVersion: ${control(deb, 'Version')}\n`);
    }
    // The same bytes where no package database knows them.
    for (const c of CASES) if (debFile(c.deb)) copy(join(debian, c.path), join(free, c.place));
    if (debFile(GO.deb)) {
      // A GOROOT with its go binary, and a copy of GOROOT's VERSION file without one.
      copy(join(debian, GO.binary), join(free, 'usr/local/go/bin/go'));
      copy(join(debian, GO.version), join(free, 'usr/local/go/VERSION'));
      copy(join(debian, GO.version), join(free, 'opt/go1.19/VERSION'));
    }
    writeFileSync(join(debian, 'var/lib/dpkg/status'), status.join('\n'));
    unowned = (await inventoryImage(await openImage(`dir:${free}`))).packages;
    owned = (await inventoryImage(await openImage(`dir:${debian}`))).packages;
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  for (const c of CASES) {
    it(`${c.name} from ${c.deb}'s ${c.path}${c.why ? ` (as ${c.why})` : ''}`, { skip: missing(c.deb) }, () => {
      const deb = debFile(c.deb) ?? '';
      const version = (c.version ?? ((v: string) => v))(upstream(control(deb, 'Version')));
      const found = at(unowned, c.place);
      assert.equal(found.length, 1, `${c.place}: ${found.map((p) => p.purl).join(', ')}`);
      const [pkg] = found;
      assert.equal(pkg?.type, 'binary');
      assert.equal(pkg.name, c.name);
      assert.equal(pkg.version, version);
      assert.equal(pkg.purl, `pkg:generic/${c.name}@${version}`);
      assert.equal(pkg.metadata?.cpe, c.cpe);
      assert.equal(pkg.metadata.identifiedBy, 'binary-fingerprint');
      assert.ok(String(pkg.metadata.evidence).includes(version), String(pkg.metadata.evidence));
      assert.equal(pkg.locations[0]?.layer.index, 0);
      assert.ok(matchedByCpe(pkg));
    });
  }

  it('the Go toolchain as Go stdlib: from the go binary once, from a GOROOT VERSION file without one', { skip: missing(GO.deb) }, () => {
    const version = `v${upstream(control(debFile(GO.deb) ?? '', 'Version'))}`;
    const fromBinary = at(unowned, 'usr/local/go/bin/go');
    assert.deepEqual(
      fromBinary.map((p) => p.purl),
      [`pkg:golang/stdlib@${version}`],
    );
    // Its GOROOT's VERSION says the same thing: not reported again.
    assert.deepEqual(at(unowned, 'usr/local/go/VERSION'), []);
    const fromFile = at(unowned, 'opt/go1.19/VERSION');
    assert.deepEqual(
      fromFile.map((p) => [p.type, p.purl, p.metadata?.cpe]),
      [['golang', `pkg:golang/stdlib@${version}`, 'golang:go']],
    );
    assert.equal(matchedByCpe(fromFile[0] as Package), false, 'matched through OSV Go, not NVD');
  });

  it('reports nothing else: one package per fingerprinted file', { skip: NONE }, () => {
    const places = new Set([...CASES.map((c) => c.place), 'usr/local/go/bin/go', 'opt/go1.19/VERSION']);
    assert.deepEqual(
      unowned.filter((p) => !places.has(p.locations[0]?.path ?? '')).map((p) => `${p.purl} ${p.locations[0]?.path}`),
      [],
    );
  });

  it('files a dpkg database owns are its packages, never fingerprinted again', { skip: NONE }, () => {
    const debs = owned.filter((p) => p.type === 'deb').map((p) => p.name);
    const downloaded = [...new Set([...CASES.map((c) => c.deb), GO.deb])].filter((p) => debFile(p));
    assert.deepEqual(debs.sort(), downloaded.sort());
    // The go binary's own build information is the Go binary analyzer's, which records it on the deb.
    assert.deepEqual(
      owned.filter((p) => p.type !== 'deb').map((p) => `${p.purl} ${p.locations[0]?.path}`),
      [],
    );
  });
});

describe('binary classifiers on the build-id forms other builds write', () => {
  // Docker's official redis images (from Syft's documented examples): the host name sits between
  // the version and the build time.
  for (const [id, version] of [
    ['7.0.14buildkitsandbox-1702957741000000000', '7.0.14'],
    ['4.0.11841ce7054bd9-1542359302000000000', '4.0.11'],
  ] as const) {
    it(`redis ${id}`, () => {
      const body = Buffer.from(`\0ERR\0${id}\0%llx\0`, 'latin1');
      assert.equal(fingerprint('usr/local/bin/redis-server', body)?.version, version);
    });
  }

  it('OpenSSL 1.1 writes two spaces before the date; a message naming a version is no evidence', () => {
    const body = Buffer.from('\0requires OpenSSL 1.1.1 or later\0OpenSSL 1.1.1n  15 Mar 2022\0', 'latin1');
    assert.equal(fingerprint('usr/lib/libcrypto.so.1.1', body)?.version, '1.1.1n');
  });

  it('a name no classifier knows is not read', () => {
    assert.equal(fingerprint('usr/bin/not-nginx', Buffer.from('nginx/1.22.1')), undefined);
  });
});

describe('CPE candidates stated by a classifier', () => {
  const index = { vendorsOf: (): string[] => ['someone'] };
  it('metadata.cpe replaces the guesses, with no doubt', () => {
    const pkg: Package = {
      id: 'x',
      name: 'libcurl',
      version: '7.88.1',
      type: 'binary',
      purl: 'pkg:generic/libcurl@7.88.1',
      locations: [],
      metadata: { cpe: 'haxx:curl haxx:libcurl' },
    };
    assert.deepEqual(cpeCandidates(pkg, index), [
      { part: 'a', vendor: 'haxx', product: 'curl', version: '7.88.1', doubts: [] },
      { part: 'a', vendor: 'haxx', product: 'libcurl', version: '7.88.1', doubts: [] },
    ]);
    assert.equal(cpeCandidates({ ...pkg, metadata: {} }, index)[0]?.vendor, 'someone', 'without it, the guesses as before');
  });

  it('a fingerprinted libcurl matches an NVD configuration under either stated pair at high confidence (hand-written record shaped like CVE-2023-38545)', () => {
    const record: NvdRecord = {
      id: 'CVE-0000-0002',
      published: '',
      lastModified: '',
      cvss: [],
      cwes: [],
      configurations: [
        {
          nodes: [
            {
              operator: 'OR',
              cpeMatch: [{ criteria: 'cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*', vulnerable: true, versionStartIncluding: '7.69.0', versionEndExcluding: '8.4.0' }],
            },
          ],
        },
      ],
    };
    const index = {
      vendorsOf: (): string[] => [],
      nvdRecordsFor: (vendor: string, product: string) => (`${vendor}:${product}` === 'haxx:curl' ? [record] : []),
    };
    const libcurl: Package = {
      id: 'libcurl',
      name: 'libcurl',
      version: '7.88.1',
      type: 'binary',
      purl: 'pkg:generic/libcurl@7.88.1',
      locations: [],
      metadata: { cpe: 'haxx:curl haxx:libcurl' },
    };
    const result = matchCpe([libcurl, { ...libcurl, id: 'new', version: '8.4.0' }], index, 1, () => ({}), cvssScore, new Set());
    assert.deepEqual(
      result.vulnerabilities.map((v) => [v.id, v.packageId, v.confidence, v.fixedVersion]),
      [['CVE-0000-0002', 'libcurl', 'high', '8.4.0']],
    );
  });
});
