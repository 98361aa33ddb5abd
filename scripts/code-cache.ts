// node --import tsx scripts/code-cache.ts FILE: makes the CLI bundle's V8 code cache, FILE, at build time
// (scripts/bundle-cli.mjs runs it; src/cli-bundle.ts says how the cache is used). The cache is taken
// after a representative run: a second `plimsoll image` (warm layer cache, every scanner, JSON report)
// of a small image made here, against a database built here, so it holds every function such a scan
// compiles and not only the bundle's top level (measured on debian-app, CPU time of a warm scan: ~28 ms
// saved by a cache taken right after compiling, ~60 ms by one taken after a scan of debian-app itself,
// ~50 ms by this one; the training covers the ecosystems debian-app's findings are in).
// Both inputs are invented and never leave the build: a Debian 12 layer with two dpkg packages, an npm
// lock file, a go.mod and a Python package, and a feed mirror where each of those ecosystems has one
// advisory: DSA-9999-1 (CVE-2099-0001) in a Debian DSA list, and OSV records CVE-2099-0002 (npm, with
// CVSS v3.1 and v4.0 vectors), -0003 (Go) and -0004 (PyPI). None of them is real.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzLayer, writeLayout } from '../test/helpers/make-image.js';
import { zipBytes } from '../test/helpers/zip.js';

const DIST = join(import.meta.dirname, '..', 'dist');
const TAG = 'training';

/** Runs `node ARGS` as a user's shell would (no tsx); throws unless it exits 0. */
function node(args: string[]): string {
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
  return run.stdout;
}

async function writeImage(): Promise<string> {
  const lock = {
    name: 'app',
    version: '1.0.0',
    lockfileVersion: 3,
    packages: { '': { name: 'app', version: '1.0.0', dependencies: { lodash: '4.17.20' } }, 'node_modules/lodash': { version: '4.17.20' } },
  };
  const layer = await gzLayer([
    { name: 'etc/os-release', body: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' },
    { name: 'etc/passwd', body: 'root:x:0:0:root:/root:/bin/bash\napp:x:1000:1000::/home/app:/bin/sh\n' },
    {
      name: 'var/lib/dpkg/status',
      body: [
        'Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.11-1~deb12u1\n',
        'Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.4+deb12u5\n',
      ].join('\n'),
    },
    { name: 'app/package.json', body: JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { lodash: '4.17.20' } }) },
    { name: 'app/package-lock.json', body: JSON.stringify(lock) },
    { name: 'app/go.mod', body: 'module example.com/app\n\ngo 1.21\n\nrequire golang.org/x/text v0.3.7\n' },
    { name: 'usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA', body: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\n' },
  ]);
  return writeLayout([layer], { tag: TAG, config: { config: { User: 'app' } } });
}

function writeMirror(dir: string): void {
  const dsa = join(dir, 'debian-security-tracker', 'data', 'DSA');
  mkdirSync(dsa, { recursive: true });
  writeFileSync(join(dsa, 'list'), '[01 Jan 2099] DSA-9999-1 openssl - security update\n\t{CVE-2099-0001}\n\t[bookworm] - openssl 3.0.11-1~deb12u2\n');
  const invented = { modified: '2099-01-01T00:00:00Z', summary: 'Invented for the build of the CLI: not a real advisory' };
  const affected = (ecosystem: string, name: string, fixed: string): object[] => [
    { package: { ecosystem, name }, ranges: [{ type: ecosystem === 'npm' ? 'SEMVER' : 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] },
  ];
  const records: [string, object][] = [
    [
      'npm',
      {
        id: 'CVE-2099-0002',
        ...invented,
        severity: [
          { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
          { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
        ],
        affected: affected('npm', 'lodash', '4.17.21'),
      },
    ],
    ['Go', { id: 'CVE-2099-0003', ...invented, affected: affected('Go', 'golang.org/x/text', '0.3.8') }],
    ['PyPI', { id: 'CVE-2099-0004', ...invented, affected: affected('PyPI', 'requests', '2.31.0') }],
  ];
  for (const [ecosystem, record] of records) {
    mkdirSync(join(dir, 'osv', ecosystem), { recursive: true });
    writeFileSync(join(dir, 'osv', ecosystem, 'all.zip'), zipBytes([{ name: 'record.json', body: Buffer.from(JSON.stringify(record)) }]));
  }
}

const [file] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: node --import tsx scripts/code-cache.ts FILE');
const scratch = mkdtempSync(join(tmpdir(), 'plimsoll-code-cache-'));
const image = await writeImage();
try {
  const cli = join(DIST, 'cli.js');
  const db = join(scratch, 'db');
  writeMirror(join(scratch, 'mirror'));
  node([cli, 'db', 'update', '--mirror', join(scratch, 'mirror'), '--db-dir', db, '--quiet']);
  const scan = ['image', `oci:${image}:${TAG}`, '--db-dir', db, '--offline', '--cache-dir', join(scratch, 'cache'), '--format', 'json', '--quiet'];
  node([cli, ...scan, '--output', join(scratch, 'first.json')]); // fills the layer cache
  node([join(import.meta.dirname, 'code-cache-training.mjs'), file, ...scan, '--output', join(scratch, 'second.json')]);
  const report = readFileSync(join(scratch, 'second.json'), 'utf8');
  const missed = ['CVE-2099-0001', 'CVE-2099-0002', 'CVE-2099-0003', 'CVE-2099-0004'].filter((id) => !report.includes(id));
  if (missed.length > 0) throw new Error(`the training scan did not find ${missed.join(', ')}: the code cache would leave out their matching`);
  // A cache the Node that made it rejects would mean the run left V8 flags changed (code-cache-training.mjs).
  const rejected = node([
    '--input-type=module',
    '-e',
    `import { compileBundle } from ${JSON.stringify(join(DIST, 'cli-bundle.js'))}; import { readFileSync } from "node:fs"; process.stdout.write(String(compileBundle(readFileSync(${JSON.stringify(file)})).cachedDataRejected));`,
  ]);
  if (rejected !== 'false') throw new Error(`the code cache made is rejected by the Node that made it (${process.version})`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(image, { recursive: true, force: true });
}
