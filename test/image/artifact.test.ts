// `plimsoll image --format json` prints the artifact as the truth's image.json describes it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES, TESTBED, needTestbed } from '../helpers/testbed.js';

const CLI = join(import.meta.dirname, '../../src/cli.ts');

interface TruthImage {
  manifestDigest: string;
  configDigest: string;
  config: { User?: string; Env?: string[] };
  layers: { digest: string; diffID: string }[];
  history: { created_by?: string; empty_layer?: boolean }[];
}

describe('image --format json: artifact', { skip: needTestbed() }, () => {
  for (const [name, tag] of Object.entries(IMAGES)) {
    if (name === 'alpine-multiarch') continue;
    it(name, () => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', CLI, 'image', `oci:${TESTBED}/oci/${name}:${tag}`, '--format', 'json', '--scanners', 'config,secret'],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      const { schemaVersion, artifact } = JSON.parse(r.stdout);
      const truth = JSON.parse(readFileSync(join(TESTBED, 'truth', name, 'image.json'), 'utf8')) as TruthImage;
      assert.equal(schemaVersion, 1);
      assert.equal(artifact.digest, truth.manifestDigest);
      assert.equal(artifact.configDigest, truth.configDigest);
      assert.deepEqual(
        artifact.layers.map((l: { digest: string; diffId: string }) => [l.digest, l.diffId]),
        truth.layers.map((l) => [l.digest, l.diffID]),
      );
      const createdBy = truth.history.filter((h) => !h.empty_layer).map((h) => h.created_by);
      assert.deepEqual(
        artifact.layers.map((l: { createdBy?: string }) => l.createdBy),
        createdBy,
      );
      assert.equal(artifact.config.user, truth.config.User || undefined);
      assert.deepEqual(artifact.config.env, truth.config.Env ?? []);
    });
  }
});

describe('dir: an unpacked root filesystem', { skip: needTestbed() }, () => {
  it('lists what the directory holds, without following symlinks out of it', async () => {
    const { listRootfs, referenceRootfs } = await import('../helpers/reference-rootfs.js');
    const rootfs = referenceRootfs('debian-app', '1.0');
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'files', `dir:${rootfs}`, '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 0, r.stderr);
    const rows = (JSON.parse(r.stdout) as { path: string; type: string; mode: string; size: number; linkTarget?: string }[]).map(
      ({ path, type, mode, size, linkTarget }) => ({
        path,
        type,
        mode,
        size,
        ...(linkTarget !== undefined ? { linkTarget } : {}),
      }),
    );
    assert.deepEqual(
      rows.sort((a, b) => (a.path < b.path ? -1 : 1)),
      listRootfs(rootfs),
    );
  });
});
