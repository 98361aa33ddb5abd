// The configuration file: a site's private OSV feed, mirror and database directory, read by the
// CLI; flags win over it; a broken file is a one-line error naming it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '../../src/cli.ts');

function plimsoll(args: string[], config: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', PLIMSOLL_CONFIG: config, PLIMSOLL_DB_MIRROR: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('plimsoll configuration file', () => {
  const work = mkdtempSync(join(tmpdir(), 'plimsoll-config-'));
  const feed = join(work, 'internal-osv');
  mkdirSync(feed);
  // A hand-written record for an invented internal package.
  writeFileSync(
    join(feed, 'ACME-1.json'),
    JSON.stringify({
      id: 'ACME-1',
      modified: '2026-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: '@acme/lib' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
    }),
  );
  const emptyMirror = join(work, 'empty-mirror');
  mkdirSync(emptyMirror);
  const dbDir = join(work, 'db');
  const config = join(work, 'config.yaml');
  writeFileSync(config, `# site settings\ndb:\n  dir: ${dbDir}\n  mirror: ${emptyMirror}\n  sources:\n    - osv-dir:${feed}\n  maxAgeDays: 7\n`);

  it('db update and db status use its directory, mirror and private feed', () => {
    const update = plimsoll(['db', 'update', '--quiet'], config);
    assert.equal(update.status, 0, update.stderr);
    const status = plimsoll(['db', 'status', '--format', 'json'], config);
    assert.equal(status.status, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as { path: string; sources: { name: string; records: number }[] };
    assert.equal(parsed.path, join(dbDir, 'plimsoll.db'));
    assert.deepEqual(
      parsed.sources.map((s) => [s.name, s.records]),
      [['private/internal-osv', 1]],
    );
  });

  it('a flag wins over the file', () => {
    const other = join(work, 'other-db');
    assert.equal(plimsoll(['db', 'update', '--quiet', '--db-dir', other], config).status, 0);
    const parsed = JSON.parse(plimsoll(['db', 'status', '--format', 'json', '--db-dir', other], config).stdout) as { path: string };
    assert.equal(parsed.path, join(other, 'plimsoll.db'));
  });

  it('a broken file, or a named one that is missing, is one line and exit 2', () => {
    const broken = join(work, 'broken.yaml');
    writeFileSync(broken, 'db:\n  sources: osv-dir:/x\n');
    const r = plimsoll(['db', 'status'], broken);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), `plimsoll: ${broken}: db.sources must be a list of strings (osv-dir:PATH, maven-repo:PATH|URL)`);
    const missing = plimsoll(['db', 'status'], join(work, 'nope.yaml'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.yaml: cannot read the configuration \(ENOENT\)/);
  });
});
