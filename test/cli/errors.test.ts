// Error messages that say what to do, with the contract's exit codes: bare archive paths, a missing
// db export directory, a layout the user cannot read, --exit-code values, bad globs and durations,
// and an expired ignore entry warned about on stderr as well as in the report.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_CLI, assertOneLineError, plimsoll } from '../helpers/cli.js';
import { TESTBED, needTestbed } from '../helpers/testbed.js';
import { pathSkipper } from '../../src/skip-paths.js';
import { parseDuration } from '../../src/cli/deadline.js';

const ALPINE = `oci:${TESTBED}/oci/alpine-3.20:3.20.3`;

describe('bad input: one line that says what to do, exit 2', () => {
  it('a bare path to no archive names the prefixes and --input', () => {
    assertOneLineError(plimsoll('image', './nothere.tar'), 'docker-archive:PATH or oci-archive:PATH (or --input PATH)');
  });
  it('a bare directory names oci: and dir:', () => {
    assertOneLineError(plimsoll('image', tmpdir()), `oci:${tmpdir()}`, `dir:${tmpdir()}`);
  });
  it('a file that is no image archive says what was looked for', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plimsoll-input-')), 'x.tar');
    writeFileSync(file, Buffer.alloc(1024));
    assertOneLineError(plimsoll('image', '--input', file), 'neither a docker save archive (manifest.json) nor an OCI archive');
  });
  it('db export into a missing directory', () => {
    assertOneLineError(plimsoll('db', 'export', '/nonexistent-plimsoll/dir/db.tar.gz'), 'directory /nonexistent-plimsoll/dir does not exist; create it first');
  });
  it('--exit-code 2 or 3 would be mistaken for errors; 0 with --fail-on contradicts itself', () => {
    assertOneLineError(plimsoll('image', ALPINE, '--exit-code', '3'), '--exit-code: "3"');
    assertOneLineError(plimsoll('image', ALPINE, '--exit-code', '0', '--fail-on', 'high'), '--exit-code 0 never fails');
  });
  it('--timeout and --pkg-types values', () => {
    assertOneLineError(plimsoll('image', ALPINE, '--timeout', '5 minutes'), '--timeout: not a duration');
    assertOneLineError(plimsoll('image', ALPINE, '--pkg-types', 'os,lang'), '--pkg-types: unknown package type "lang"');
  });
  it(
    'an OCI layout the user may not read is exit 2, not an internal error',
    { skip: needTestbed() ?? (spawnSync('setpriv', ['--version']).status === 0 ? undefined : 'setpriv missing') },
    () => {
      const copy = join(mkdtempSync(join(tmpdir(), 'plimsoll-unreadable-')), 'layout');
      cpSync(join(TESTBED, 'oci/alpine-3.20'), copy, { recursive: true });
      chmodSync(join(copy, 'blobs'), 0o700);
      // The other user may pass through the temporary directories (the test runner makes its own 0700), just not into blobs/.
      chmodSync(join(copy, '..'), 0o755);
      chmodSync(tmpdir(), 0o711);
      // As an unprivileged user (root reads anything), when the tests run as root; else as ourselves. The built
      // CLI, since tsx wants a cache directory the other user could not write.
      const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
      const [cmd = process.execPath, ...rest] = [...asNobody, process.execPath, BUILT_CLI, 'image', `oci:${copy}`, '--scanners', 'config'];
      const r = spawnSync(cmd, rest, { encoding: 'utf8', env: { ...process.env, HOME: tmpdir(), CI: 'true' } });
      assertOneLineError({ status: r.status, stdout: r.stdout, stderr: r.stderr }, 'EACCES');
    },
  );
});

describe('an expired ignore entry', { skip: needTestbed() }, () => {
  it('warns on stderr, not only inside the report', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plimsoll-expired-')), '.plimsollignore');
    writeFileSync(file, 'CVE-2000-0001 exp:2020-01-01\n');
    const r = plimsoll('image', ALPINE, '--scanners', 'config', '--ignore-file', file, '-f', 'json');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^plimsoll: warning: .*ignore entry for CVE-2000-0001 expired on 2020-01-01/m);
  });
});

describe('--skip-dirs and --skip-files globs', () => {
  it('a directory takes everything under it; * stays in a segment, ** crosses them', () => {
    const skip = pathSkipper({ dirs: ['/usr/share/doc', '**/node_modules'], files: ['*.pem', 'etc/**/*.key'] }) as (p: string) => boolean;
    for (const p of ['usr/share/doc', 'usr/share/doc/x/README', 'node_modules/a', 'app/node_modules/a/package.json', 'x.pem', 'etc/ssl/private/a.key'])
      assert.ok(skip(p), p);
    for (const p of ['usr/share/docs/x', 'usr/share', 'app/x.pem', 'etc/a.keys', 'app/node_modules_old/a']) assert.ok(!skip(p), p);
    assert.equal(pathSkipper({}), undefined);
  });
  it('durations as Trivy writes them', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.throws(() => parseDuration('0s'), /not a duration/);
  });
});
