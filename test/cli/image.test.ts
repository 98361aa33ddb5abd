// The main job end to end: `plimsoll image` on a testbed image against a database built from the
// frozen feed mirror, in every output format, with the policy options and their exit codes.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDbUpdate } from '../../src/vulndb/index.js';
import { SHARED, TESTBED, needTestbed } from '../helpers/testbed.js';

const CLI = join(import.meta.dirname, '../../src/cli.ts');
const APP = `oci:${TESTBED}/oci/debian-app:1.0`;

function plimsoll(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, CI: 'true', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('plimsoll image: inventory, vulnerabilities, hardening, policy', { skip: needTestbed() }, () => {
  const dbDir = mkdtempSync(join(tmpdir(), 'plimsoll-cli-db-'));
  before(async () => {
    await runDbUpdate({ dbDir, mirror: join(SHARED, 'vulndata'), quiet: true });
  });

  it('json: the DESIGN contract, with findings a person can check in the mirror', () => {
    const r = plimsoll(['image', APP, '--db-dir', dbDir, '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.schemaVersion, 1);
    assert.match(report.artifact.digest, /^sha256:[0-9a-f]{64}$/);
    for (const key of ['artifact', 'packages', 'vulnerabilities', 'findings', 'summary']) assert.ok(key in report, key);
    assert.deepEqual(Object.keys(report.summary.vulnerabilities).sort(), ['CRITICAL', 'HIGH', 'LOW', 'MEDIUM', 'UNKNOWN']);
    // osv/npm GHSA-p6mc-m468-83gw: lodash before 4.17.20 (as the mirror's record says).
    const lodash = report.vulnerabilities.find((v: { id: string; packageName: string }) => v.id === 'CVE-2020-8203' && v.packageName === 'lodash');
    assert.ok(lodash, 'lodash CVE-2020-8203');
    assert.equal(lodash.installedVersion, '4.17.15');
    assert.equal(lodash.fixedVersion, '4.17.20');
    assert.ok(lodash.aliases.includes('GHSA-p6mc-m468-83gw'));
    assert.equal(lodash.origin, 'own', "the npm app is in the user's layers, above the Debian base");
    const layer = report.artifact.layers.find((l: { digest: string }) => l.digest === lodash.layer);
    assert.equal(layer?.index, 2);
    // The base layers' packages are matched against Debian:12, which the mirror barely covers: said plainly.
    assert.ok(
      report.coverage.entries.some((e: { ecosystem?: string; reason?: string }) => e.ecosystem === 'Debian:12' && /likely incomplete/.test(e.reason ?? '')),
    );
    assert.ok(report.findings.some((f: { id: string }) => f.id === 'PLM-NO-HEALTHCHECK'));
  });

  it('--severity filters and --fail-on sets exit code 1', () => {
    const critical = plimsoll(['image', APP, '--db-dir', dbDir, '--format', 'json', '--severity', 'CRITICAL', '--scanners', 'vuln']);
    assert.equal(critical.status, 0, critical.stderr);
    const report = JSON.parse(critical.stdout);
    assert.ok(report.vulnerabilities.length > 0);
    assert.ok(report.vulnerabilities.every((v: { severity: string }) => v.severity === 'CRITICAL'));
    assert.equal(plimsoll(['image', APP, '--db-dir', dbDir, '--format', 'json', '--fail-on', 'critical', '--scanners', 'vuln']).status, 1);
    assert.equal(
      plimsoll(['image', `oci:${TESTBED}/oci/alpine-3.20:3.20.3`, '--db-dir', dbDir, '--format', 'json', '--fail-on', 'critical', '--scanners', 'vuln']).status,
      0,
    );
  });

  it('--ignore-file suppresses and counts', () => {
    const ignore = join(mkdtempSync(join(tmpdir(), 'plimsoll-ignore-')), '.plimsollignore');
    writeFileSync(ignore, '# accepted until the upgrade\nCVE-2021-44906 pkg:minimist\n');
    const report = JSON.parse(plimsoll(['image', APP, '--db-dir', dbDir, '--format', 'json', '--scanners', 'vuln', '--ignore-file', ignore]).stdout);
    assert.ok(!report.vulnerabilities.some((v: { id: string }) => v.id === 'CVE-2021-44906'));
    assert.equal(report.policy.suppressedBy['ignore-file'], 1);
  });

  it('sarif and cyclonedx formats', () => {
    const sarif = JSON.parse(plimsoll(['image', APP, '--db-dir', dbDir, '--format', 'sarif', '--scanners', 'vuln']).stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.length > 0);
    const bom = JSON.parse(plimsoll(['image', APP, '--db-dir', dbDir, '--format', 'cyclonedx', '--scanners', 'vuln']).stdout);
    assert.equal(bom.bomFormat, 'CycloneDX');
    assert.ok(bom.vulnerabilities.some((v: { id: string }) => v.id === 'CVE-2020-8203'));
  });

  it('builds the database on first use from PLIMSOLL_DB_MIRROR, and refuses to with --offline', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'plimsoll-cli-fresh-'));
    const offline = plimsoll(['image', APP, '--db-dir', fresh, '--offline', '--format', 'json']);
    assert.equal(offline.status, 2);
    assert.match(
      offline.stderr,
      /^plimsoll: no vulnerability database in .*--offline forbids downloading one: build it from a feed mirror with 'plimsoll db update --mirror DIR'/,
    );
    assert.equal(offline.stderr.trimEnd().split('\n').length, 1);
    const built = plimsoll(['image', `oci:${TESTBED}/oci/alpine-3.20:3.20.3`, '--db-dir', fresh, '--format', 'json', '--scanners', 'vuln'], {
      PLIMSOLL_DB_MIRROR: join(SHARED, 'vulndata'),
    });
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stderr, /building it/);
    assert.ok(Array.isArray(JSON.parse(built.stdout).vulnerabilities));
  });
});
