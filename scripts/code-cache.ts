// node --import tsx scripts/code-cache.ts FILE: makes the CLI bundle's V8 code cache, FILE, at build time
// (scripts/bundle-cli.mjs runs it; src/cli-bundle.ts says how the cache is used). The cache is taken
// after a representative run: a second `plimsoll image` (warm layer cache, every scanner, JSON report)
// of a small image made here, against a database built here, so it holds every function such a scan
// compiles and not only the bundle's top level (measured on debian-app, CPU time of a warm scan: ~28 ms
// saved by a cache taken right after compiling, ~60 ms by one taken after the scan).
// Both inputs are invented and never leave the build: an Alpine 3.20 layer with two apk packages and an
// npm lock file, an Alpine secdb whose one fix names CVE-2099-0001, and one OSV record for npm,
// CVE-2099-0002, with CVSS v3.1 and v4.0 vectors (neither is a real CVE).
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
    { name: 'etc/os-release', body: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n' },
    { name: 'etc/passwd', body: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' },
    {
      name: 'lib/apk/db/installed',
      body: 'P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\nL:MIT\nF:lib\nR:ld-musl-x86_64.so.1\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\no:busybox\nL:GPL-2.0-only\nF:bin\nR:busybox\n',
    },
    { name: 'app/package.json', body: JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { lodash: '4.17.20' } }) },
    { name: 'app/package-lock.json', body: JSON.stringify(lock) },
  ]);
  return writeLayout([layer], { tag: TAG, config: { config: { User: 'app' } } });
}

function writeMirror(dir: string): void {
  const release = join(dir, 'alpine-secdb', 'v3.20');
  mkdirSync(release, { recursive: true });
  const secdb = { distroversion: 'v3.20', reponame: 'main', packages: [{ pkg: { name: 'busybox', secfixes: { '1.36.1-r30': ['CVE-2099-0001'] } } }] };
  writeFileSync(join(release, 'main.json'), JSON.stringify(secdb));
  const osv = {
    id: 'CVE-2099-0002',
    modified: '2099-01-01T00:00:00Z',
    summary: 'Invented for the build of the CLI: not a real advisory',
    severity: [
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
      { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
    ],
    affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }],
  };
  mkdirSync(join(dir, 'osv', 'npm'), { recursive: true });
  writeFileSync(join(dir, 'osv', 'npm', 'all.zip'), zipBytes([{ name: `${osv.id}.json`, body: Buffer.from(JSON.stringify(osv)) }]));
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
  if (!report.includes('CVE-2099-0001') || !report.includes('CVE-2099-0002')) {
    throw new Error('the training scan did not find its two advisories: the code cache would leave out matching and its report');
  }
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
