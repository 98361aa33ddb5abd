// The built CLI (`npm run build` first) runs its bundle from the V8 code cache made at build time
// (src/cli-bundle.ts): the Node that built it accepts the cache, and with the cache missing, damaged,
// made for another script or rejected for other V8 flags the CLI still runs, and reports the same.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzLayer, writeLayout } from '../helpers/make-image.js';

const ROOT = join(import.meta.dirname, '../..');

/** The code cache dist/cli.js reads: its file name, and the SHA-256 it must have. */
function launcherCache(root: string): [string, string] {
  const named = /readCodeCache\(("[^"]+"), ("[^"]+")\)/.exec(readFileSync(join(root, 'dist', 'cli.js'), 'utf8'));
  if (!named?.[1] || !named[2]) assert.fail('dist/cli.js reads no code cache');
  return [JSON.parse(named[1]) as string, JSON.parse(named[2]) as string];
}

/** What plain `node FLAGS` (as a user runs the CLI, without the test runner's flags) makes of the cache, compiling for `command`. */
function cacheVerdict(root: string, flags: string[] = [], command = 'image'): 'not read' | 'rejected' | 'accepted' {
  const check = `import { compileBundle, readCodeCache } from ${JSON.stringify(join(root, 'dist', 'cli-bundle.js'))};
    const cache = readCodeCache(...${JSON.stringify(launcherCache(root))});
    process.stdout.write(cache === undefined ? 'not read' : compileBundle(cache, ${JSON.stringify(command)}).cachedDataRejected ? 'rejected' : 'accepted');`;
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', check], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout as 'not read' | 'rejected' | 'accepted';
}

function run(root: string, args: string[], flags: string[] = []): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [...flags, join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

describe('the CLI bundle’s code cache', () => {
  let image: string;
  let scan: string[];
  // A copy of the built package (made again by each test), whose cache a test breaks.
  let copy: string;
  let expected: string;

  before(async () => {
    const layer = await gzLayer([
      { name: 'etc/os-release', body: 'ID=alpine\nVERSION_ID=3.20.3\n' },
      { name: 'lib/apk/db/installed', body: 'P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n' },
      { name: 'etc/shadow', body: 'root::19000:0:99999:7:::\n' },
      { name: 'app/.env', body: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' },
    ]);
    image = writeLayout([layer]);
    scan = ['image', `oci:${image}:test`, '--scanners', 'config,secret', '--no-cache', '--format', 'json'];
    copy = mkdtempSync(join(tmpdir(), 'plimsoll-code-cache-'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const built = run(ROOT, scan);
    assert.equal(built.status, 0, built.stderr);
    expected = built.stdout;
    assert.match(expected, /"packages"/);
  });
  after(() => {
    rmSync(copy, { recursive: true, force: true });
    rmSync(image, { recursive: true, force: true });
  });

  it('is accepted by the Node that built it, and rejected under other V8 flags', () => {
    assert.equal(cacheVerdict(ROOT), 'accepted');
    assert.equal(cacheVerdict(ROOT, ['--no-opt']), 'rejected');
  });

  // Compiled for a long-running command, the bundle keeps V8's own flags, under which the cache was not made.
  it('is accepted for a scan, and rejected for a long-running command (the server, its worker, the database)', () => {
    for (const command of ['image', 'sbom', 'files', 'dockerfile', 'cache']) assert.equal(cacheVerdict(ROOT, [], command), 'accepted', command);
    for (const command of ['server', 'worker', 'db']) assert.equal(cacheVerdict(ROOT, [], command), 'rejected', command);
  });

  it('a long-running command, compiled without the cache, runs', () => {
    const r = run(ROOT, ['db', 'status', '--db-dir', join(copy, 'no-db')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no-db\/plimsoll\.db: no vulnerability database; run 'plimsoll db update'/);
  });

  it('rejected under other V8 flags, the CLI compiles the bundle itself', () => {
    const r = run(ROOT, scan, ['--no-opt']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected);
  });

  // What each breakage leaves: not read by the launcher, or rejected by V8.
  const breakages: [string, 'not read' | 'rejected', (cache: string) => void][] = [
    ['missing', 'not read', (cache) => rmSync(cache)],
    ['damaged inside, its header whole (which V8 alone would take)', 'not read', (cache) => writeFileSync(cache, flipped(readFileSync(cache)))],
    ['cut short', 'not read', (cache) => writeFileSync(cache, readFileSync(cache).subarray(0, 100_000))],
    [
      // A valid cache, for another script: V8 rejects it (with the launcher's digest check left out, as here).
      'made for another script',
      'rejected',
      (cache) => {
        const other = spawnSync(process.execPath, [
          '-e',
          "process.stdout.write(new (require('node:vm').Script)('(function () { return 1 + 1; })').createCachedData())",
        ]);
        writeFileSync(cache, other.stdout);
        const launcher = join(copy, 'dist', 'cli.js');
        writeFileSync(
          launcher,
          readFileSync(launcher, 'utf8').replace(/"[0-9a-f]{64}"/, JSON.stringify(createHash('sha256').update(other.stdout).digest('hex'))),
        );
      },
    ],
  ];
  for (const [what, verdict, breakCache] of breakages) {
    it(`${what}: the CLI runs and reports the same`, () => {
      for (const part of ['dist', 'data', 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
      breakCache(join(copy, 'dist', 'bundle', launcherCache(copy)[0]));
      assert.equal(cacheVerdict(copy), verdict);
      const version = run(copy, ['--version']);
      assert.equal(version.status, 0, version.stderr);
      assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
      const r = run(copy, scan);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, expected);
    });
  }
});

/** `bytes` with a run of bytes in the middle inverted. */
function flipped(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = copy.length >> 1; i < (copy.length >> 1) + 64; i++) copy[i] = (copy[i] ?? 0) ^ 0xff;
  return copy;
}
