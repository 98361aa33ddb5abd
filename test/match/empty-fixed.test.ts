// A real GitHub-reviewed record whose range ends in `{"fixed": ""}` (GHSA-f7vh-qwp3-x37m at the
// commit test/fixtures/osv-ghsa-log4j/README.md names): read as "no fix", never dropped, with one warning.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { evaluateAffected, matchVulnerabilities } from '../../src/match/index.js';
import type { Package } from '../../src/model/package.js';
import { versions } from '../../src/versions/index.js';
import { openDatabase, runDbUpdate, type OsvRecord } from '../../src/vulndb/index.js';

const DIR = join(import.meta.dirname, '../fixtures/osv-ghsa-log4j');
const record = JSON.parse(readFileSync(join(DIR, 'GHSA-f7vh-qwp3-x37m.json'), 'utf8')) as OsvRecord;
const maven = { ecosystem: versions.maven.compare, semver: versions.semver.compare };
const work = mkdtempSync(join(tmpdir(), 'plimsoll-empty-fixed-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('an empty "fixed" event (GHSA-f7vh-qwp3-x37m)', () => {
  it('the fixture is the record with the empty event', () => {
    assert.deepEqual(record.affected?.[0]?.ranges?.[0]?.events, [{ introduced: '0' }, { fixed: '' }]);
  });

  it('every version from the introduced one on is affected, with no fixed version', () => {
    const entry = record.affected?.[0] ?? {};
    for (const version of ['1.2.17', '1.2.9', '1.1.3'])
      assert.deepEqual(evaluateAffected(entry, version, maven), { affected: true, emptyEvent: true }, version);
  });

  it('through the database: log4j:log4j 1.2.17 has CVE-2022-23307, unfixed, and one warning names the record', async () => {
    const dbDir = join(work, 'db');
    mkdirSync(join(work, 'empty-mirror'));
    await runDbUpdate({ dbDir, mirror: join(work, 'empty-mirror'), sources: [`osv-dir:${DIR}`], quiet: true, offline: true });
    const db = openDatabase(dbDir);
    try {
      const pkg = (version: string): Package => ({
        id: `maven:log4j@${version}`,
        name: 'log4j:log4j',
        version,
        type: 'maven',
        purl: `pkg:maven/log4j/log4j@${version}`,
        locations: [{ path: `app/log4j-${version}.jar`, layer: { index: 0, digest: 'sha256:0' } }],
      });
      const { vulnerabilities, coverage } = matchVulnerabilities({ packages: [pkg('1.2.17'), pkg('1.2.16')] }, db);
      const chainsaw = vulnerabilities.filter((v) => v.aliases.includes('GHSA-f7vh-qwp3-x37m'));
      assert.deepEqual(
        chainsaw.map((v) => [v.id, v.installedVersion, v.status, v.fixedVersion]),
        [
          ['CVE-2022-23307', '1.2.17', 'unfixed', undefined],
          ['CVE-2022-23307', '1.2.16', 'unfixed', undefined],
        ],
      );
      assert.deepEqual(
        coverage.warnings.filter((w) => w.message.includes('GHSA-f7vh-qwp3-x37m')),
        [
          {
            message: 'GHSA-f7vh-qwp3-x37m: a range ends in an empty "fixed" event; read as no fix, so every version from the introduced one on is affected',
            source: 'match',
          },
        ],
      );
    } finally {
      db.close();
    }
  });
});
