// Warnings travel as one type through one channel: every stage's warning reaches the report's
// `warnings` with the stage that raised it, and the CLI prints each one, once, on stderr.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plimsoll } from '../helpers/cli.js';
import { TESTBED, needTestbed } from '../helpers/testbed.js';
import { warningText, type ScanWarning } from '../../src/model/warning.js';

describe('warnings from several stages of one scan', { skip: needTestbed() }, () => {
  it('reach the JSON report with their source, and stderr one line each', () => {
    const ignore = join(mkdtempSync(join(tmpdir(), 'plimsoll-warnings-')), '.plimsollignore');
    writeFileSync(ignore, 'CVE-2000-0001 exp:2020-01-01\n');
    // scratch-go has no OS (an inventory warning); the ignore entry has expired (a policy warning).
    const r = plimsoll('image', `oci:${TESTBED}/oci/scratch-go:1.0`, '--scanners', 'config', '--ignore-file', ignore, '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const warnings = (JSON.parse(r.stdout) as { warnings: ScanWarning[] }).warnings;
    assert.deepEqual(
      warnings.map((w) => w.source),
      ['inventory', 'policy'],
      JSON.stringify(warnings),
    );
    assert.deepEqual(warnings[1], {
      path: `${ignore}:1`,
      message: 'ignore entry for CVE-2000-0001 expired on 2020-01-01 and no longer applies',
      source: 'policy',
    });
    const printed = r.stderr.split('\n').filter((l) => l.startsWith('plimsoll: warning: '));
    assert.deepEqual(
      printed,
      warnings.map((w) => `plimsoll: warning: ${warningText(w)}`),
    );
  });
});
