// --offline sends nothing: a full scan (inventory, vulnerabilities, hardening) of the built CLI under
// strace makes no connect, sendto or sendmsg call, in any process or thread.
import { BUILT_CLI as CLI } from '../helpers/cli.js';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDbUpdate } from '../../src/vulndb/index.js';
import { SHARED, TESTBED, hasCommand, needTestbed } from '../helpers/testbed.js';

const skip = needTestbed() ?? (hasCommand('strace') ? undefined : 'strace not installed') ?? (existsSync(CLI) ? undefined : 'dist/ not built (npm run build)');

describe('--offline makes no network connection', { skip }, () => {
  const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-offline-db-'));
  before(async () => {
    await runDbUpdate({ dbDir, mirror: join(SHARED, 'vulndata'), quiet: true });
  });

  it('a full image scan under strace: no connect, sendto or sendmsg', () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'plimsoll-strace-')), 'trace');
    const r = spawnSync(
      'strace',
      [
        '-f',
        '-qq',
        '-e',
        'trace=connect,sendto,sendmsg',
        '-o',
        trace,
        process.execPath,
        CLI,
        'image',
        `oci:${TESTBED}/oci/debian-app:1.0`,
        '--offline',
        '--db-dir',
        dbDir,
        '--format',
        'json',
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.vulnerabilities.length > 0 && report.findings.length > 0, 'the scan did its whole job');
    const calls = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((l) => /\b(connect|sendto|sendmsg)\(/.test(l));
    assert.deepEqual(calls, []);
  });

  it('a registry reference is refused before any connection', () => {
    const r = spawnSync(process.execPath, [CLI, 'image', 'docker://127.0.0.1:1/x/y:1', '--offline'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--offline/);
  });
});
