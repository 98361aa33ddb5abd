// Berkeley DB variants the testbed has no real copy of (big-endian, tiny and huge pages),
// written by Berkeley DB's own db_load from the real CBL-Mariner headers, then read back
// and compared with that database's rpm -qa truth; rpm itself reads each one as a check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readRpmDatabase } from '../../../../src/ecosystems/rpm/rpmdb/database.js';
import { readSqlite } from '../../../../src/ecosystems/rpm/rpmdb/sqlite.js';
import { dbLoad, noDbLoad, rpmPairs } from '../db-load.js';
import { databaseBytes, rpmAvailable, rpmQuery, truthRow, truthRows } from '../reference.js';

describe('Berkeley DB written by db_load', { skip: noDbLoad }, () => {
  const blobs = readSqlite(databaseBytes('cbl-mariner-2.0', 'rpmdb.sqlite')).blobs;
  const truth = truthRows('cbl-mariner-2.0');

  // 512-byte pages put every header on a long overflow chain; 64 KiB pages keep small ones inline.
  for (const [pageSize, bigEndian] of [
    [512, false],
    [512, true],
    [4096, true],
    [65536, false],
  ] as const) {
    it(`${bigEndian ? 'big' : 'little'}-endian, ${pageSize}-byte pages: equals the truth`, () => {
      const body = dbLoad(rpmPairs(blobs, bigEndian), pageSize, bigEndian);
      const db = readRpmDatabase(body);
      assert.equal(db.backend, 'bdb');
      assert.deepEqual(db.problems, []);
      assert.deepEqual(db.headers.map(truthRow).sort(), truth);
      if (rpmAvailable()) {
        const rpmSays = rpmQuery(body, 'Packages', 'bdb_ro', '%{NAME}\t%|EPOCH?{%{EPOCH}}:{(none)}|\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n');
        assert.deepEqual(rpmSays.trim().split('\n').sort(), truth, 'rpm reads the generated database differently');
      }
    });
  }
});
