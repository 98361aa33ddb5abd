// Policy: each option on its own and together, the ignore file's two forms with expiry, OpenVEX
// and CycloneDX VEX, and --fail-on's exit code. Findings and documents here are hand-written.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Vulnerability } from '../../src/match/index.js';
import { applyPolicy, parseIgnoreFile, parseSeverity, parseSeverityList, parseVex, readIgnoreFile, readVexFile } from '../../src/policy/index.js';

function vuln(id: string, severity: Vulnerability['severity'], extra: Partial<Vulnerability> = {}): Vulnerability {
  return {
    id,
    aliases: [],
    packageId: 'npm:lodash@4.17.15:app/package-lock.json',
    packageName: 'lodash',
    packageType: 'npm',
    purl: 'pkg:npm/lodash@4.17.15',
    installedVersion: '4.17.15',
    fixedVersion: '4.17.21',
    status: 'fixed',
    severity,
    severitySource: 'advisory',
    severityReason: 'hand-written',
    cvss: [],
    priority: 'P3',
    priorityReason: 'hand-written',
    matchedBy: 'ecosystem',
    dataSource: 'osv/npm',
    dataSources: ['osv/npm'],
    references: [],
    ...extra,
  };
}

const findings = [
  vuln('CVE-2020-8203', 'HIGH', { aliases: ['GHSA-p6mc-m468-83gw'] }),
  vuln('CVE-2021-23337', 'CRITICAL'),
  vuln('CVE-2099-0001', 'LOW', { status: 'unfixed', fixedVersion: undefined }),
  vuln('CVE-2099-0002', 'MEDIUM', {
    packageName: 'debianpkg',
    purl: 'pkg:deb/debian/debianpkg@1.0?arch=amd64',
    packageId: 'deb:debianpkg@1.0',
    status: 'wont-fix',
    fixedVersion: undefined,
  }),
];
const ids = (r: { vulnerabilities: Vulnerability[] }): string[] => r.vulnerabilities.map((v) => v.id);

describe('--severity and --ignore-unfixed', () => {
  it('--severity keeps only the listed ratings, counting the rest', () => {
    const r = applyPolicy(findings, { severities: parseSeverityList('high,critical') });
    assert.deepEqual(ids(r), ['CVE-2020-8203', 'CVE-2021-23337']);
    assert.equal(r.suppressedBy.severity, 2);
  });
  it('--ignore-unfixed drops unfixed and wont-fix findings', () => {
    const r = applyPolicy(findings, { ignoreUnfixed: true });
    assert.deepEqual(ids(r), ['CVE-2020-8203', 'CVE-2021-23337']);
    assert.equal(r.suppressedBy.unfixed, 2);
  });
  it('an unknown severity name is an input error naming the option', () => {
    assert.throws(() => parseSeverityList('HIGH,SEVERE'), /--severity: unknown severity 'SEVERE'/);
    assert.throws(() => parseSeverity('bad'), /--fail-on/);
  });
});

describe('--fail-on', () => {
  it('exit 1 when a finding at or above the threshold remains, else 0', () => {
    assert.equal(applyPolicy(findings, { failOn: { severity: 'CRITICAL' } }).exitCode, 1);
    assert.equal(applyPolicy(findings, { failOn: { severity: 'HIGH' }, severities: ['LOW', 'MEDIUM'] }).exitCode, 0);
    assert.equal(applyPolicy(findings.slice(2), { failOn: { severity: 'HIGH' } }).exitCode, 0);
    assert.equal(applyPolicy(findings.slice(2), { failOn: { severity: 'MEDIUM' } }).exitCode, 1);
    assert.equal(applyPolicy(findings).exitCode, 0);
  });
  it('any (--exit-code without --fail-on): whatever remains after --severity fails, and nothing else', () => {
    assert.equal(applyPolicy(findings, { failOn: { any: true }, severities: ['CRITICAL'] }).failures.length, 1);
    assert.equal(applyPolicy(findings.slice(0, 1), { failOn: { any: true }, severities: ['CRITICAL'] }).failed, false);
    const hardening = [{ id: 'PLM-SETUID', severity: 'MEDIUM' as const, path: 'usr/bin/su' }];
    assert.equal(applyPolicy([], { failOn: { any: true } }, hardening).failed, true);
    assert.equal(applyPolicy([], { failOn: { any: true }, severities: ['HIGH'] }, hardening).failed, false);
  });
});

describe('hardening findings in the same stage', () => {
  const hardening = [
    { id: 'PLM-ROOT-USER', severity: 'HIGH' as const },
    { id: 'PLM-SETUID', severity: 'MEDIUM' as const, path: 'usr/bin/su' },
    { id: 'PLM-NO-HEALTHCHECK', severity: 'LOW' as const },
  ];
  it('--severity keeps the listed ones and counts the rest as suppressed by severity, each named', () => {
    const r = applyPolicy([], { severities: ['HIGH'] }, hardening);
    assert.deepEqual(
      r.findings.map((f) => f.id),
      ['PLM-ROOT-USER'],
    );
    assert.deepEqual(r.findingsSuppressedBy, { severity: 2 });
    assert.deepEqual(
      r.suppressedFindings.map((s) => [s.id, s.path, s.by]),
      [
        ['PLM-SETUID', 'usr/bin/su', 'severity'],
        ['PLM-NO-HEALTHCHECK', undefined, 'severity'],
      ],
    );
  });
  it('--fail-on applies to the kept ones only, so failed agrees with what is shown', () => {
    assert.equal(applyPolicy([], { severities: ['LOW'], failOn: { severity: 'MEDIUM' } }, hardening).failed, false);
    assert.deepEqual(
      applyPolicy([], { failOn: { severity: 'MEDIUM' } }, hardening).failures.map((f) => f.id),
      ['PLM-ROOT-USER', 'PLM-SETUID'],
    );
  });
});

describe('ignore file', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  it('line form: ids, aliases, package scopes, expiry with a warning once past', () => {
    const rules = parseIgnoreFile(
      [
        '# accepted risks',
        'GHSA-p6mc-m468-83gw',
        'CVE-2021-23337 exp:2026-05-31',
        'CVE-2099-0001 pkg:other',
        'CVE-2099-0002 pkg:pkg:deb/debian/debianpkg  # any version',
        '',
      ].join('\n'),
      '.plimsollignore',
    );
    const r = applyPolicy(findings, { ignoreRules: rules, now });
    assert.deepEqual(ids(r), ['CVE-2021-23337', 'CVE-2099-0001']);
    assert.equal(r.suppressedBy['ignore-file'], 2);
    assert.deepEqual(r.warnings, [
      { path: '.plimsollignore:3', message: 'ignore entry for CVE-2021-23337 expired on 2026-05-31 and no longer applies', source: 'policy' },
    ]);
  });
  it('YAML form with reasons', () => {
    const rules = parseIgnoreFile(
      'vulnerabilities:\n  - id: CVE-2021-23337\n    package: lodash\n    expires: 2026-06-01\n    reason: template() never sees user input\n',
      'ignore.yaml',
    );
    const r = applyPolicy(findings, { ignoreRules: rules, now });
    assert.ok(!ids(r).includes('CVE-2021-23337'));
    assert.match(r.suppressed[0]?.detail ?? '', /ignore.yaml: entry 1: template\(\) never sees user input/);
  });
  it('bad lines and dates are one-line input errors naming the file and line', () => {
    assert.throws(() => parseIgnoreFile('CVE-1 exp:2026-13-45', 'x'), /x:1: invalid expiry date/);
    assert.throws(() => parseIgnoreFile('CVE-1 because', '.plimsollignore'), /.plimsollignore:1: unexpected 'because'/);
    assert.throws(() => parseIgnoreFile('vulnerabilities: [ { reason: x } ]', 'i.yml'), /i.yml: entry 1: 'id' missing/);
  });
  it('the default .plimsollignore is optional; a named file must exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plimsoll-policy-'));
    try {
      assert.deepEqual(readIgnoreFile(undefined, dir), []);
      writeFileSync(join(dir, '.plimsollignore'), 'CVE-2020-8203\n');
      assert.deepEqual(
        readIgnoreFile(undefined, dir).map((r) => r.id),
        ['CVE-2020-8203'],
      );
      assert.throws(() => readIgnoreFile(join(dir, 'missing')), /missing: cannot read ignore file \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('VEX', () => {
  it('OpenVEX: not_affected and fixed statements suppress their findings; affected does not', () => {
    const doc = {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://example.invalid/vex-1',
      statements: [
        {
          vulnerability: { name: 'GHSA-p6mc-m468-83gw' },
          products: [{ '@id': 'pkg:npm/lodash@4.17.15' }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
        {
          vulnerability: { name: 'CVE-2099-0002' },
          products: [{ '@id': 'pkg:oci/app', subcomponents: [{ '@id': 'pkg:deb/debian/debianpkg@1.0' }] }],
          status: 'fixed',
        },
        { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'affected' },
        { vulnerability: { name: 'CVE-2099-0001' }, products: [{ '@id': 'pkg:npm/lodash@1.0.0' }], status: 'not_affected' },
      ],
    };
    const r = applyPolicy(findings, { vex: parseVex(JSON.stringify(doc), 'app.vex.json') });
    assert.deepEqual(ids(r), ['CVE-2021-23337', 'CVE-2099-0001']);
    assert.equal(r.suppressedBy.vex, 2);
    assert.match(r.suppressed[0]?.detail ?? '', /app.vex.json \(openvex\): not_affected \(vulnerable_code_not_in_execute_path\)/);
  });
  it('CycloneDX VEX: analysis states not_affected / resolved suppress, in_triage does not', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      vulnerabilities: [
        { id: 'CVE-2021-23337', analysis: { state: 'not_affected', justification: 'code_not_reachable' }, affects: [{ ref: 'pkg:npm/lodash@4.17.15' }] },
        { id: 'CVE-2020-8203', analysis: { state: 'in_triage' }, affects: [{ ref: 'pkg:npm/lodash@4.17.15' }] },
        { id: 'CVE-2099-0002', analysis: { state: 'resolved' }, affects: [{ ref: 'deb:debianpkg@1.0' }] },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'plimsoll-vex-'));
    try {
      writeFileSync(join(dir, 'bom.vex.json'), JSON.stringify(doc));
      const r = applyPolicy(findings, { vex: readVexFile(join(dir, 'bom.vex.json')) });
      assert.deepEqual(ids(r), ['CVE-2020-8203', 'CVE-2099-0001']);
      assert.equal(r.suppressedBy.vex, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a document that is neither is an input error naming the file', () => {
    assert.throws(() => parseVex('{"statements": []}', 'x.json'), /x.json: neither an OpenVEX document/);
    assert.throws(() => parseVex('not json', 'y.json'), /y.json: not valid JSON/);
    assert.throws(() => readVexFile('/nonexistent/vex.json'), /\/nonexistent\/vex.json: cannot read VEX file/);
  });
});
