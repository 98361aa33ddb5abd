// The database's SHA-1 → Maven coordinates index, from its two kinds of source: a repository
// directory (Debian's real /usr/share/maven-repo, as libcommons-collections3-java and
// liblog4j1.2-java install it, symlinks and alias versions included) and the Maven indexer's
// published file, served from a loopback web server (test/fixtures/maven-index: hand-written).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MAVEN_INDEX_PATH } from '../../src/vulndb/sources.js';
import { openDatabase, runDbUpdate } from '../../src/vulndb/index.js';
import { assertOneLineError, plimsoll } from '../helpers/cli.js';
import { serveMirror, type MirrorServer } from './mirror-server.js';

const DEBIAN_REPO = '/usr/share/maven-repo';
const LOG4J = `${DEBIAN_REPO}/log4j/log4j`;
const HAND_WRITTEN = join(import.meta.dirname, '../fixtures/maven-index/hand-written-index.gz');
const sha1 = (file: string): string => execFileSync('sha1sum', [file], { encoding: 'utf8' }).slice(0, 40);

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-maven-sha1-'));
  mkdirSync(join(work, 'empty-mirror'));
});
after(() => rmSync(work, { recursive: true, force: true }));

const update = (name: string, ...sources: string[]) => runDbUpdate({ dbDir: join(work, name), mirror: join(work, 'empty-mirror'), sources, quiet: true });

describe(
  "Debian's /usr/share/maven-repo",
  { skip: existsSync(`${LOG4J}/1.2.17`) ? undefined : 'apt install liblog4j1.2-java libcommons-collections3-java' },
  () => {
    it('indexes each jar under its real version only: never `debian` or `1.2.x`, never a relocation', async () => {
      const result = await update('debian', `maven-repo:${DEBIAN_REPO}`);
      const db = openDatabase(join(work, 'debian'));
      try {
        assert.deepEqual(db.mavenBySha1(sha1('/usr/share/java/log4j-1.2-1.2.17.jar')), [{ groupId: 'log4j', artifactId: 'log4j', version: '1.2.17' }]);
        assert.deepEqual(db.mavenBySha1(sha1('/usr/share/java/commons-collections3-3.2.2.jar')), [
          { groupId: 'commons-collections', artifactId: 'commons-collections', version: '3.2.2' },
        ]);
        assert.deepEqual(db.mavenBySha1('0'.repeat(40)), []);
      } finally {
        db.close();
      }
      const raw = new Database(join(work, 'debian/plimsoll.db'), { readonly: true });
      const versions = raw.prepare('SELECT DISTINCT version FROM maven_sha1').pluck().all() as string[];
      const rows = raw.prepare('SELECT count(*) FROM maven_sha1').pluck().get() as number;
      raw.close();
      assert.ok(versions.length > 0 && versions.every((v) => v !== 'debian' && !/\.x$/.test(v)), versions.join(' '));
      assert.deepEqual(
        result.sources.map((s) => [s.name, s.records, s.dataDate]),
        [['maven-repo/maven-repo', rows, null]],
      );
    });
  },
);

describe('a repository directory, bad entries', () => {
  it('skips a dangling link and a jar whose pom names other coordinates; a missing repository is a one-line error', async () => {
    const repo = join(work, 'repo');
    mkdirSync(join(repo, 'org/example/good/1.0'), { recursive: true });
    writeFileSync(join(repo, 'org/example/good/1.0/good-1.0.jar'), 'hand-made bytes: good');
    writeFileSync(
      join(repo, 'org/example/good/1.0/good-1.0.pom'),
      '<project><groupId>org.example</groupId><artifactId>good</artifactId><version>1.0</version></project>',
    );
    mkdirSync(join(repo, 'org/example/liar/1.0'), { recursive: true });
    writeFileSync(join(repo, 'org/example/liar/1.0/liar-1.0.jar'), 'hand-made bytes: liar');
    writeFileSync(
      join(repo, 'org/example/liar/1.0/liar-1.0.pom'),
      '<project><groupId>org.other</groupId><artifactId>liar</artifactId><version>1.0</version></project>',
    );
    mkdirSync(join(repo, 'org/example/gone/1.0'), { recursive: true });
    symlinkSync('../../../../nowhere.jar', join(repo, 'org/example/gone/1.0/gone-1.0.jar'));
    await update('small', `maven-repo:${repo}`);
    const db = openDatabase(join(work, 'small'));
    try {
      assert.deepEqual(db.mavenBySha1(sha1(join(repo, 'org/example/good/1.0/good-1.0.jar'))), [{ groupId: 'org.example', artifactId: 'good', version: '1.0' }]);
      assert.deepEqual(db.mavenBySha1(sha1(join(repo, 'org/example/liar/1.0/liar-1.0.jar'))), []);
    } finally {
      db.close();
    }
    assertOneLineError(
      plimsoll('db', 'update', '--db-dir', join(work, 'none'), '--mirror', join(work, 'empty-mirror'), '--source', `maven-repo:${join(work, 'no-such-repo')}`),
      'maven-repo/no-such-repo',
      'does not exist',
    );
  });
});

describe("the Maven indexer's file from a web server (hand-written)", () => {
  let server: MirrorServer;
  before(async () => {
    const root = join(work, 'served');
    mkdirSync(join(root, 'maven2/.index'), { recursive: true });
    copyFileSync(HAND_WRITTEN, join(root, 'maven2', MAVEN_INDEX_PATH));
    writeFileSync(join(root, 'not-an-index.gz'), readFileSync(HAND_WRITTEN).subarray(0, 40));
    server = await serveMirror(root);
  });
  after(() => server?.close());

  it("a repository URL: its .index file is read through the same path, main archives only, dated by the index's timestamp; unchanged, it is not downloaded again", async () => {
    const first = await update('index', `maven-repo:${server.url}/maven2`);
    assert.deepEqual(
      first.sources.map((s) => [s.name, s.url, s.records, s.dataDate, s.fetch]),
      [['maven-repo/maven2', `${server.url}/maven2/${MAVEN_INDEX_PATH}`, 2, '2023-11-14T22:13:20.000Z', 'downloaded']],
    );
    const db = openDatabase(join(work, 'index'));
    try {
      assert.deepEqual(db.mavenBySha1('1'.repeat(40)), [{ groupId: 'org.example', artifactId: 'widget', version: '1.0.0' }]);
      assert.deepEqual(
        db.mavenBySha1('2'.repeat(40)),
        [{ groupId: 'org.example.plugins', artifactId: 'gadget-plugin', version: '2.1' }],
        'the older four-part form',
      );
      assert.deepEqual(db.mavenBySha1('3'.repeat(40)), [], 'a sources classifier');
      assert.deepEqual(db.mavenBySha1('4'.repeat(40)), [], 'a pom');
    } finally {
      db.close();
    }
    const again = await update('index', `maven-repo:${server.url}/maven2`);
    assert.equal(again.sources[0]?.fetch, 'not-modified');
    assert.equal(server.counts.get(304), 1);
  });

  it('a truncated index is a one-line error naming the feed, and the previous database stays', async () => {
    // In process: the server shares this event loop, which a spawned CLI would block.
    await assert.rejects(update('index', `maven-repo:${server.url}/not-an-index.gz`), (err: Error) => {
      assert.match(err.message, /^feed maven-repo\/not-an-index\.gz \(http:.*\): unexpected end of file; the previous database was kept$/);
      return true;
    });
    const db = openDatabase(join(work, 'index'));
    assert.equal(db.mavenBySha1('1'.repeat(40)).length, 1);
    db.close();
  });
});
