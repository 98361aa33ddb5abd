// The rpm analyzer inside the real pipeline (OCI layout → layers → merged filesystem →
// analyzers), on a hand-built three-layer image around the real Amazon Linux 2023 database:
// layer 0 installs, layer 1 erases openssl-libs, layer 2 installs it again and erases tzdata (the
// databases written by rpm itself).
// Reference: rpm -qa of the final database.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { openImage } from '../../../src/image/open.js';
import { rpmAnalyzer } from '../../../src/ecosystems/rpm/rpm.js';
import { readRpmDatabase } from '../../../src/ecosystems/rpm/rpmdb/database.js';
import { inventoryImage } from '../../../src/inventory/run.js';
import { tarBytes, writeLayout, type TarEntry } from '../../helpers/make-image.js';
import { databaseBytes, rpmAvailable, rpmQuery } from './reference.js';

/** The database after `rpm -e --justdb` of one package, written by rpm on a scratch copy. */
function erase(body: Buffer, name: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-rpm-erase-'));
  try {
    writeFileSync(join(dir, 'rpmdb.sqlite'), body);
    const args = ['--define', '_db_backend sqlite', '--dbpath', dir, '-e', '--justdb', '--nodeps', '--noscripts', '--notriggers', name];
    const result = spawnSync('rpm', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`rpm -e failed: ${result.stderr}`);
    return readFileSync(join(dir, 'rpmdb.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('rpm in the image pipeline', { skip: rpmAvailable() ? undefined : 'the rpm binary is not installed (apt-get install rpm)' }, () => {
  it('reports the final database, each package in the layer that installed it', async () => {
    const installed = databaseBytes('amazonlinux2023-plain', 'rpmdb.sqlite');
    const withoutOpenssl = erase(installed, 'openssl-libs');
    // What installing openssl-libs again and erasing tzdata leaves: the installed database less tzdata.
    const erased = erase(installed, 'tzdata');
    const headers = readRpmDatabase(installed).headers;
    const directories = new Set(headers.flatMap((h) => h.directories));
    const files = (name: string) => headers.find((h) => h.name === name)?.files ?? [];
    const entries = (paths: string[]): TarEntry[] => paths.map((name) => (directories.has(name) ? { name, type: 'directory' } : { name, body: `${name}\n` }));
    const osRelease = 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nVERSION_ID="2023"\n';
    const layers = [
      [
        { name: 'etc/os-release', body: osRelease },
        ...entries([...files('bash'), ...files('openssl-libs'), ...files('tzdata')]),
        { name: 'var/lib/rpm/rpmdb.sqlite', body: installed },
      ],
      [{ name: 'var/lib/rpm/rpmdb.sqlite', body: withoutOpenssl }],
      [...entries(files('openssl-libs')), { name: 'usr/share/.wh.zoneinfo' }, { name: 'var/lib/rpm/rpmdb.sqlite', body: erased }],
    ];
    const tars = await Promise.all(layers.map((l) => tarBytes(l)));
    const dir = writeLayout(tars.map((tar) => ({ blob: gzipSync(tar), tar })));
    try {
      const image = await openImage(`oci:${dir}:test`);
      const result = await inventoryImage(image, { analyzers: [rpmAnalyzer] });
      assert.deepEqual(result.warnings, []);
      assert.equal(result.os?.family, 'amazon');

      const theirs = rpmQuery(erased, 'rpmdb.sqlite', 'sqlite', '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\n');
      const ours = result.packages.map((p) => `${p.name}\t${p.version}\t${p.arch ?? '(none)'}`);
      assert.deepEqual(ours.sort(), theirs.trim().split('\n').sort());
      assert.ok(!result.packages.some((p) => p.name === 'tzdata'));

      const layerOf = (name: string) => result.packages.find((p) => p.name === name)?.locations[0]?.layer;
      // Every database since layer 0 lists bash and zlib; openssl-libs left with layer 1 and came back with layer 2.
      assert.equal(layerOf('bash')?.index, 0);
      assert.equal(layerOf('zlib')?.index, 0);
      assert.equal(layerOf('openssl-libs')?.index, 2);
      assert.equal(layerOf('openssl-libs')?.digest, image.layers[2]?.digest);
      assert.ok(result.packages.every((p) => p.locations[0]?.path === 'var/lib/rpm/rpmdb.sqlite'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
