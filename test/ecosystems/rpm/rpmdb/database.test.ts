// Every real database in the testbed, read by our own code, against rpm's answers:
// the truth files (rpm -qa) field by field, and the rpm binary for what they do not hold.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRpmDatabase } from '../../../../src/ecosystems/rpm/rpmdb/database.js';
import { DATABASES, databaseBytes, RPMDB_DIR, rpmAvailable, rpmQuery, truthRow, truthRows } from '../reference.js';

const EXPECTED_BACKEND = { Packages: 'bdb', 'Packages.db': 'ndb', 'rpmdb.sqlite': 'sqlite' } as const;
const noRpm = rpmAvailable() ? undefined : 'the rpm binary is not installed (apt-get install rpm)';

describe('real rpm databases', () => {
  for (const { dir, file, backend } of DATABASES) {
    it(`${dir}/${file}: equals its rpm -qa truth`, () => {
      const body = databaseBytes(dir, file);
      const started = performance.now();
      const db = readRpmDatabase(body);
      const ms = performance.now() - started;
      assert.equal(db.backend, EXPECTED_BACKEND[file]);
      assert.deepEqual(db.problems, []);
      assert.deepEqual(db.headers.map(truthRow).sort(), truthRows(dir));
      const files = db.headers.reduce((n, h) => n + h.files.length, 0);
      console.log(`# parse ${dir}/${file} (${(body.length / 1024).toFixed(0)} KiB): ${db.headers.length} packages, ${files} files, ${ms.toFixed(1)} ms`);
    });

    const upstream = join(RPMDB_DIR, dir, 'upstream-packages.csv');
    // Upstream's own in-container `rpm -qa` (EPOCH¶NAME¶VERSION¶RELEASE¶ARCH¶SOURCERPM¶SIZE¶LICENSE¶VENDOR¶...): the
    // only reference for the NDB database's licences and vendors, since Debian's rpm cannot read NDB.
    if (existsSync(upstream)) {
      it(`${dir}/${file}: licence and vendor equal upstream's rpm -qa`, () => {
        const theirs = readFileSync(upstream, 'utf8')
          .trim()
          .split('\n')
          .map((line) => {
            const [, name, version, release, , , , license, vendor] = line.split('¶');
            return [name, version, release, license, vendor].join('\t');
          });
        const ours = readRpmDatabase(databaseBytes(dir, file)).headers.map((h) => [h.name, h.version, h.release, h.license ?? '', h.vendor ?? ''].join('\t'));
        assert.deepEqual(ours.sort(), theirs.sort());
      });
    }

    if (!backend) continue;
    it(`${dir}/${file}: licence, vendor, modularity label and owned files equal rpm's`, { skip: noRpm }, () => {
      const body = databaseBytes(dir, file);
      const key = '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}';
      const fields = rpmQuery(body, file, backend, `${key}\t%{LICENSE}\t%|VENDOR?{%{VENDOR}}:{}|\t%|MODULARITYLABEL?{%{MODULARITYLABEL}}:{}|\n`);
      // `%{=TAG}` repeats a scalar on every line of the file array; `:perms` starts with "d" for a directory.
      const owned = rpmQuery(body, file, backend, `[${key.replaceAll('%{', '%{=')}\t%{FILENAMES}\t%{FILEMODES:perms}\n]`);
      const db = readRpmDatabase(body);
      const nevra = (h: (typeof db.headers)[number]) => `${h.name}-${h.version}-${h.release}.${h.arch ?? '(none)'}`;
      const ours = db.headers.map((h) => [nevra(h), h.license ?? '(none)', h.vendor ?? '', h.modularityLabel ?? ''].join('\t'));
      assert.deepEqual(ours.sort(), fields.replace(/\n$/, '').split('\n').sort());
      // rpm prints "(none)" for a package without files; our paths are image-relative, so the root itself ("/") is not one.
      const theirs = owned
        .replace(/\n$/, '')
        .split('\n')
        .filter((l) => !l.includes('\t(none)\t') && !l.includes('\t/\t'))
        .map((l) => l.replace(/\t([^\t])[^\t]*$/, (_, type: string) => (type === 'd' ? '\tdir' : '')));
      const ourFiles = db.headers.flatMap((h) => h.files.map((f) => `${nevra(h)}\t/${f}${h.directories.includes(f) ? '\tdir' : ''}`));
      assert.deepEqual(ourFiles.sort(), theirs.sort());
    });
  }
});
