// README's "Coming from Trivy" table, row by row: each Plimsoll flag, and then its environment
// variable alone, must be accepted and have the effect the row documents. A row with no check
// here fails, so the table cannot grow a promise nobody tested.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/report/report.js';
import { runDbUpdate } from '../../src/vulndb/index.js';
import { CLI } from '../helpers/cli.js';
import { SHARED, TESTBED, needTestbed } from '../helpers/testbed.js';

interface Row {
  trivy: string;
  flag: string;
  value?: string;
  env: string;
}

/** The table's rows: `--flag VALUE` from the Plimsoll column, the variable from the next. */
function aliasTable(): Row[] {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const start = readme.indexOf('### Coming from Trivy');
  const section = readme.slice(start, readme.indexOf('\n## ', start));
  const lines = section.split('\n').filter((l) => l.startsWith('| `'));
  return lines.map((line) => {
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim());
    const [flag = '', value] = (/`([^`]+)`/.exec(cells[1] ?? '')?.[1] ?? '').split(' ');
    return { trivy: cells[0] ?? '', flag, ...(value !== undefined ? { value } : {}), env: /`([^`]+)`/.exec(cells[2] ?? '')?.[1] ?? '' };
  });
}

const ALPINE = `oci:${TESTBED}/oci/alpine-3.20:3.20.3`;
const APP = `oci:${TESTBED}/oci/debian-app:1.0`;
const dir = mkdtempSync(join(tmpdir(), 'plimsoll-trivy-'));
const dbDir = join(dir, 'db');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CI: 'true', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Per flag: the run (with `use` giving the option as flag or variable, and a fresh output file) and
 * what it must show. VALUE words in the table (FILE, DIR) are filled in here.
 */
type Use = (flag: string, value?: string) => { args: string[]; env: Record<string, string> };
const json = (r: Run): Report => JSON.parse(r.stdout) as Report;
const ignoreFile = join(dir, 'ignore');
const vexFile = join(dir, 'app.vex.json');
const values: Record<string, () => string> = {
  FILE: () => join(dir, `out-${Math.random().toString(36).slice(2)}.json`),
  DIR: () => dbDir,
};
const CHECKS: Record<string, (use: Use, value: string | undefined) => void> = {
  '--format': (use, value) => {
    const { args, env } = use('--format', value);
    const r = run(['image', ALPINE, '--scanners', 'config', ...args], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(json(r).schemaVersion, 1);
  },
  '--output': (use) => {
    const file = values.FILE?.() as string;
    const { args, env } = use('--output', file);
    const r = run(['image', ALPINE, '--scanners', 'config', '-f', 'json', ...args], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).schemaVersion, 1);
  },
  '--severity': (use, value) => {
    const { args, env } = use('--severity', value);
    const r = json(run(['image', ALPINE, '--scanners', 'config', '-f', 'json', ...args], env));
    assert.deepEqual([...new Set(r.findings.map((f) => f.severity))], ['HIGH']);
    assert.equal(r.summary.findings, 2);
    assert.equal(r.summary.suppressed?.findings.severity, 1, 'the LOW finding is counted as suppressed');
  },
  '--exit-code': (use, value) => {
    const { args, env } = use('--exit-code', value);
    const failed = run(['image', ALPINE, '--scanners', 'config', '-f', 'json', ...args], env);
    assert.equal(failed.status, Number(value), failed.stderr);
    assert.equal(json(failed).policy?.failed, true, 'the JSON agrees with the exit code');
    assert.match(failed.stderr, /policy failed: 3 findings were reported/);
    const clean = run(['image', ALPINE, '--scanners', 'config', '-f', 'json', '--severity', 'CRITICAL', ...args], env);
    assert.equal(clean.status, 0, 'with --severity it applies to what is shown');
    assert.equal(json(clean).policy?.failed, false);
  },
  '--input': (use) => {
    for (const kind of ['docker-archive', 'oci-archive']) {
      const { args, env } = use('--input', join(TESTBED, kind, 'alpine-3.20.tar'));
      const r = run(['image', '--scanners', 'config', '-f', 'json', ...args], env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(json(r).artifact.ref, `${kind}:${join(TESTBED, kind, 'alpine-3.20.tar')}`);
      assert.equal(json(r).summary.packages, 14);
    }
  },
  '--skip-dirs': (use, value) => {
    const { args, env } = use('--skip-dirs', value);
    const r = json(run(['image', ALPINE, '--scanners', 'config', '-f', 'json', ...args], env));
    // Without the apk database nothing owns busybox or libcrypto, which are then fingerprinted as binaries.
    assert.equal(r.packages.filter((p) => p.type === 'apk').length, 0, 'lib/apk/db/installed was skipped');
    assert.equal(r.artifact.os?.family, 'alpine', 'the rest of the image is still read');
  },
  '--skip-files': (use, value) => {
    const { args, env } = use('--skip-files', value);
    const r = json(run(['image', ALPINE, '--scanners', 'config', '-f', 'json', ...args], env));
    assert.equal(r.packages.filter((p) => p.type === 'apk').length, 0);
  },
  '--pkg-types': (use, value) => {
    const { args, env } = use('--pkg-types', value);
    const r = json(run(['image', APP, '--db-dir', dbDir, '--scanners', 'vuln', '-f', 'json', ...args], env));
    assert.ok(r.packages.length > 0);
    assert.ok(r.packages.every((p) => !['deb', 'apk', 'rpm'].includes(p.type)));
    assert.ok((r.vulnerabilities ?? []).every((v) => v.packageType !== 'deb'));
  },
  '--list-all-pkgs': (use) => {
    const { args, env } = use('--list-all-pkgs');
    const listed = run(['image', APP, '--db-dir', dbDir, '--scanners', 'vuln', ...args], env);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^OS packages \(debian 12\.\d+\) \(127\)$/m);
    assert.match(listed.stdout, /^ {2}zlib1g +1:1\.2\.13/m);
    assert.doesNotMatch(run(['image', APP, '--db-dir', dbDir, '--scanners', 'vuln']).stdout, /^OS packages/m, 'not without it');
  },
  '--timeout': (use, value) => {
    const { args, env } = use('--timeout', value);
    const r = run(['image', APP, '--db-dir', dbDir, ...args], env);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^plimsoll: timed out after 1ms \(--timeout\)/);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  },
  '--scanners': (use, value) => {
    const { args, env } = use('--scanners', value);
    const r = json(run(['image', ALPINE, '-f', 'json', ...args], env));
    assert.equal(r.vulnerabilities, undefined);
    assert.ok(r.findings.length > 0);
  },
  '--ignore-file': (use) => {
    const { args, env } = use('--ignore-file', ignoreFile);
    const r = json(run(['image', APP, '--db-dir', dbDir, '--scanners', 'vuln', '-f', 'json', ...args], env));
    assert.equal(r.policy?.suppressedBy['ignore-file'], 1);
    assert.ok(!(r.vulnerabilities ?? []).some((v) => v.id === 'CVE-2021-44906'));
  },
  '--vex': (use) => {
    const { args, env } = use('--vex', vexFile);
    const r = json(run(['image', APP, '--db-dir', dbDir, '--scanners', 'vuln', '-f', 'json', ...args], env));
    assert.equal(r.policy?.suppressedBy.vex, 1);
  },
  '--db-dir': (use) => {
    const { args, env } = use('--db-dir', dbDir);
    const r = run(['image', ALPINE, '--offline', '--scanners', 'vuln', '-f', 'json', ...args], env);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Array.isArray(json(r).vulnerabilities), 'matched against the database in that directory');
  },
  '--offline': (use) => {
    const { args, env } = use('--offline');
    const r = run(['image', 'docker://127.0.0.1:1/x/y:1', ...args], env);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--offline forbids it/);
  },
};

describe('README: Coming from Trivy, flag by flag', { skip: needTestbed() }, () => {
  before(async () => {
    await runDbUpdate({ dbDir, mirror: join(SHARED, 'vulndata'), quiet: true });
    writeFileSync(ignoreFile, 'CVE-2021-44906 pkg:minimist\n');
    writeFileSync(
      vexFile,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [
          {
            vulnerability: { name: 'CVE-2021-44906' },
            products: [{ '@id': 'pkg:npm/minimist@1.2.0' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
          },
        ],
      }),
    );
  });

  const rows = aliasTable();
  it('the table is there, and every row names a flag and its variable', () => {
    assert.ok(rows.length >= 15, `${rows.length} rows`);
    for (const row of rows) assert.equal(row.env, `PLIMSOLL_${row.flag.slice(2).toUpperCase().replace(/-/g, '_')}`, row.trivy);
  });

  for (const row of rows) {
    describe(`${row.trivy} → ${row.flag}`, () => {
      const check = CHECKS[row.flag];
      const value = row.value && values[row.value] ? undefined : row.value;
      it('is checked here', () => assert.ok(check, `no check for ${row.flag}`));
      it('as a flag', { skip: !check }, () => check?.((flag, v = value) => ({ args: v === undefined ? [flag] : [flag, v], env: {} }), value));
      it(`as ${row.env}`, { skip: !check }, () => check?.((_, v = value) => ({ args: [], env: { [row.env]: v ?? '1' } }), value));
    });
  }

  it('a flag on the command line wins over its variable', () => {
    const r = run(['image', ALPINE, '--scanners', 'config', '-f', 'json'], { PLIMSOLL_FORMAT: 'table', PLIMSOLL_SEVERITY: 'LOW' });
    assert.equal(json(r).summary.findings, 1, 'the variable still applies where no flag is given');
    assert.match(run(['image', ALPINE, '--scanners', 'config', '-f', 'table'], { PLIMSOLL_FORMAT: 'json' }).stdout, /^Image: /);
  });

  it('a switch set to false or 0 is off; a bad value is one line, exit 2', () => {
    const r = run(['image', ALPINE, '--scanners', 'config', '-f', 'json'], { PLIMSOLL_LIST_ALL_PKGS: 'false', PLIMSOLL_OFFLINE: '0' });
    assert.equal(r.status, 0, r.stderr);
    const bad = run(['image', ALPINE], { PLIMSOLL_FORMAT: 'xml' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /PLIMSOLL_FORMAT/);
  });
});
