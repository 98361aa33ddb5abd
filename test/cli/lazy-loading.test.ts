// The built CLI (`npm run build` first) loads a native module only when a scan needs it
// (src/lazy-require.ts): a first scan of a gzip image for its SBOM needs neither zstd-napi's binding
// (zstd layers) nor better-sqlite3 (layer cache, database, a file index too large for memory).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILT_CLI } from '../helpers/cli.js';
import { gzLayer, writeLayout } from '../helpers/make-image.js';

describe('native modules the CLI loads', () => {
  let scratch: string;
  let image: string;
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'plimsoll-lazy-'));
    image = writeLayout([await gzLayer([{ name: 'etc/os-release', body: 'ID=alpine\nVERSION_ID=3.20.3\n' }])]);
    // Preloaded with -r (not a V8 flag: the code cache still applies): names every CommonJS file loaded, at exit.
    writeFileSync(join(scratch, 'loaded.cjs'), "process.on('exit', () => process.stderr.write(`LOADED ${JSON.stringify(Object.keys(require.cache))}\\n`));\n");
  });
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(image, { recursive: true, force: true });
  });

  function loaded(args: string[]): string[] {
    const r = spawnSync(process.execPath, ['-r', join(scratch, 'loaded.cjs'), BUILT_CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    assert.equal(r.status, 0, r.stderr);
    const line = /^LOADED (.*)$/m.exec(r.stderr)?.[1];
    assert.ok(line, r.stderr);
    return JSON.parse(line) as string[];
  }

  it('a first SBOM of a gzip image loads neither zstd-napi nor better-sqlite3', () => {
    const files = loaded(['sbom', `oci:${image}:test`, '--no-cache', '--quiet', '-o', join(scratch, 'sbom.json')]);
    assert.deepEqual(
      files.filter((f) => /node_modules[\\/](zstd-napi|better-sqlite3)[\\/]/.test(f)),
      [],
    );
  });

  it('a scan that keeps a layer cache loads better-sqlite3', () => {
    const files = loaded(['sbom', `oci:${image}:test`, '--cache-dir', join(scratch, 'cache'), '--quiet', '-o', join(scratch, 'sbom.json')]);
    assert.ok(files.some((f) => /node_modules[\\/]better-sqlite3[\\/]/.test(f)));
  });
});
