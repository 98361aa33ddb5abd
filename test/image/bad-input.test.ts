// Bad inputs: each gives one line naming the input and exit code 2, never a stack trace.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { CLI, assertOneLineError, plimsoll } from '../helpers/cli.js';
import { gzLayer, tarBytes, writeLayout } from '../helpers/make-image.js';

describe('bad inputs give a one-line error and exit 2', () => {
  it('a layer blob whose bytes do not match its digest', async () => {
    const layer = await gzLayer([{ name: 'etc/hostname', body: 'x\n' }]);
    const wrong = `sha256:${'ab'.repeat(32)}`;
    const dir = writeLayout([{ ...layer, digest: wrong }]);
    // The blob is stored under its real digest; put a copy under the wrong name too so it is found.
    writeFileSync(join(dir, 'blobs/sha256', wrong.slice(7)), layer.blob);
    assertOneLineError(plimsoll('files', `oci:${dir}:test`), 'digest mismatch', wrong);
  });

  it('an unknown tag', async () => {
    const dir = writeLayout([await gzLayer([{ name: 'a', body: '1' }])], { tag: 'v1' });
    assertOneLineError(plimsoll('files', `oci:${dir}:v2`), 'no image tagged "v2"', 'v1');
  });

  it('an unknown transport', () => {
    assertOneLineError(plimsoll('files', 'podman:foo/bar'), 'unknown transport "podman"');
  });

  it('a truncated gzip layer', async () => {
    const { blob } = await gzLayer([{ name: 'big', body: randomBytes(200_000) }]);
    const dir = writeLayout([{ blob: blob.subarray(0, blob.length >> 1), tar: blob }]);
    assertOneLineError(plimsoll('files', `oci:${dir}:test`), /layer sha256:[0-9a-f]{64}: corrupt or truncated compressed data/);
  });

  it('a layer that is not a tar', () => {
    const junk = gzipSync(randomBytes(4096));
    const dir = writeLayout([{ blob: junk }]);
    assertOneLineError(plimsoll('files', `oci:${dir}:test`), /layer sha256:[0-9a-f]{64}: not a valid tar archive/);
  });

  it('an index.json that is not JSON', async () => {
    const dir = writeLayout([await gzLayer([{ name: 'a', body: '1' }])], { indexJson: '{"schemaVersion": 2, "manif' });
    assertOneLineError(plimsoll('files', `oci:${dir}:test`), 'index.json: not valid JSON', dir);
  });

  it('a path that does not exist', () => {
    assertOneLineError(plimsoll('files', 'oci:/nonexistent/layout'), '/nonexistent/layout');
  });

  it('a decompression bomb stops at --max-layer-size with bounded memory', async () => {
    // 512 MiB of zeros compresses to about half a megabyte.
    const header = await tarBytes([{ name: 'zeros', size: 512 * 1024 * 1024 }]);
    const blob = gzipSync(Buffer.concat([header.subarray(0, 512), Buffer.alloc(512 * 1024 * 1024)]));
    const dir = writeLayout([{ blob }]);
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '--import', 'tsx', CLI, 'files', `oci:${dir}:test`, '--max-layer-size', '64MiB'], {
      encoding: 'utf8',
    });
    const lines = r.stderr
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('Command exited'));
    const peakKb = Number(lines.pop());
    assertOneLineError({ status: r.status, stdout: r.stdout, stderr: `${lines.join('\n')}\n` }, 'exceeds the limit of 67108864 bytes', 'decompression bomb');
    assert.ok(peakKb < 200_000, `peak RSS ${peakKb} kB stays bounded`);
  });
});

describe('hostile paths stay inside the image', () => {
  it('../../etc/passwd, absolute names and symlinks that point outside are contained', async () => {
    const layer = await gzLayer([
      { name: '../../etc/passwd', body: 'root:x:0:0::/root:/bin/sh\n' },
      { name: '/abs/file', body: 'abs\n' },
      { name: 'escape', type: 'symlink', linkname: '/../../../tmp' },
      { name: 'escape/through-link', body: 'lands in tmp/ inside the image\n' },
      { name: 'rel', type: 'symlink', linkname: '../../../../root' },
      { name: 'rel/x', body: 'lands in root/ inside the image\n' },
    ]);
    const dir = writeLayout([layer]);
    const r = plimsoll('files', `oci:${dir}:test`, '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const paths = (JSON.parse(r.stdout) as { path: string }[]).map((f) => f.path);
    assert.deepEqual(paths, ['abs', 'abs/file', 'escape', 'etc', 'etc/passwd', 'rel', 'root', 'root/x', 'tmp', 'tmp/through-link']);
  });
});
