// Damaged databases and lying header blobs, made here from the real ones: each yields
// problems and the packages that are still readable (all of them genuine), and never throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readRpmDatabase, type RpmDatabase } from '../../../../src/ecosystems/rpm/rpmdb/database.js';
import { parseRpmHeader, RpmHeaderError } from '../../../../src/ecosystems/rpm/rpmdb/header.js';
import { readBerkeleyDb } from '../../../../src/ecosystems/rpm/rpmdb/bdb.js';
import { readNdb } from '../../../../src/ecosystems/rpm/rpmdb/ndb.js';
import { readSqlite } from '../../../../src/ecosystems/rpm/rpmdb/sqlite.js';
import { dbLoad, noDbLoad, rpmPairs } from '../db-load.js';
import { DATABASES, databaseBytes, truthRow, truthRows } from '../reference.js';

/** Deterministic junk (a linear congruential generator), so a failure can be replayed. */
function junk(length: number, seed = 7): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function overwrite(body: Buffer, at: number, length: number): Buffer {
  const copy = Buffer.from(body);
  junk(length).copy(copy, at);
  return copy;
}

/** Damage was reported, what was read is a subset of the truth, nothing twice. */
function assertRemainder(db: RpmDatabase, truth: string[], atLeast: number, atMost: number): void {
  assert.ok(db.problems.length > 0, 'damage must be reported');
  const rows = db.headers.map(truthRow);
  assert.ok(rows.length >= atLeast && rows.length <= atMost, `read ${rows.length} packages, expected ${atLeast} to ${atMost}`);
  assert.equal(new Set(rows).size, rows.length, 'a package was read twice');
  for (const row of rows) assert.ok(truth.includes(row), `not a real package: ${row}`);
}

describe('damaged SQLite databases', () => {
  const body = databaseBytes('cbl-mariner-2.0', 'rpmdb.sqlite');
  const truth = truthRows('cbl-mariner-2.0');

  it('garbage with no SQLite magic is not taken for a database', () => {
    const db = readRpmDatabase(junk(8192));
    assert.equal(db.backend, undefined);
    assert.deepEqual(db.headers, []);
    assert.match(db.problems.join(), /not an rpm database/);
  });

  it('garbage after the SQLite magic is a problem, not an exception', () => {
    const db = readRpmDatabase(Buffer.concat([body.subarray(0, 16), junk(65536)]));
    assert.equal(db.backend, 'sqlite');
    assert.deepEqual(db.headers, []);
    assert.match(db.problems.join(), /SQLite|Packages/);
  });

  it('a truncated file gives the rows still present, and counts the lost ones', () => {
    const db = readRpmDatabase(body.subarray(0, Math.floor(body.length * 0.6)));
    // rpm's Name index names the rows past the cut, so they are counted as unreadable rather than unknown.
    assertRemainder(db, truth, 90, truth.length - 1);
    assert.match(db.problems.join(), /truncated/);
    assert.match(db.problems.join(), new RegExp(`${truth.length - db.headers.length} rows unreadable`));
  });

  it('a page overwritten with junk gives the rest', () => {
    const pageSize = body.readUInt16BE(16);
    const pages = body.length / pageSize;
    // Somewhere among the Packages rows, not in the schema page.
    assertRemainder(readRpmDatabase(overwrite(body, Math.floor(pages / 3) * pageSize, pageSize)), truth, 1, truth.length - 1);
  });
});

describe('damaged NDB databases', () => {
  const body = databaseBytes('sle15-bci', 'Packages.db');
  const truth = truthRows('sle15-bci');

  it('a truncated file gives the blobs before the cut', () => {
    const db = readRpmDatabase(body.subarray(0, Math.floor(body.length / 2)));
    assertRemainder(db, truth, 1, truth.length - 1);
    assert.match(db.problems.join(), /outside the file/);
  });

  it('a page of junk inside blobs fails their checksums, the others are read', () => {
    const db = readRpmDatabase(overwrite(body, 40 * 4096, 4096));
    assertRemainder(db, truth, truth.length - 3, truth.length - 1);
  });

  it('a junk slot table yields problems and no exception', () => {
    const db = readRpmDatabase(overwrite(body, 32, 4096 - 32));
    assertRemainder(db, truth, 0, 0);
  });
});

describe('damaged Berkeley DB databases', () => {
  const libuuid = databaseBytes('libuuid', 'Packages');

  it('a truncated file says so', () => {
    const db = readRpmDatabase(libuuid.subarray(0, 10 * 4096 + 100));
    assertRemainder(db, truthRows('libuuid'), 0, 0);
    assert.match(db.problems.join(), /truncated: 10 of 23 pages/);
  });

  it('an impossible page size is refused before anything is read', () => {
    const bad = Buffer.from(libuuid);
    bad.writeUInt32LE(3000, 20);
    assert.match(readRpmDatabase(bad).problems.join(), /page size/);
  });

  describe('many packages', { skip: noDbLoad }, () => {
    const truth = truthRows('cbl-mariner-2.0');
    const blobs = readSqlite(databaseBytes('cbl-mariner-2.0', 'rpmdb.sqlite')).blobs;
    const pageSize = 4096;
    const body = dbLoad(rpmPairs(blobs, false), pageSize, false);
    const pages = body.length / pageSize;

    it('a junk hash page loses nothing: its headers are found again at the heads of their overflow chains', () => {
      for (const page of [1, 2]) {
        assert.equal(body[page * pageSize + 25], 13, `page ${page} is a hash page`);
        const db = readRpmDatabase(overwrite(body, page * pageSize, pageSize));
        assertRemainder(db, truth, truth.length, truth.length);
        assert.match(db.problems.join(), /recovered from overflow pages/);
      }
    });

    it('a junk overflow page loses only the header it held', () => {
      for (const page of [3, Math.floor(pages / 2), pages - 1]) {
        assert.equal(body[page * pageSize + 25], 7, `page ${page} is an overflow page`);
        assertRemainder(readRpmDatabase(overwrite(body, page * pageSize, pageSize)), truth, truth.length - 1, truth.length - 1);
      }
    });

    it('with 64 KiB pages, a junk hash page loses only the headers stored inline on it', () => {
      const big = dbLoad(rpmPairs(blobs, false), 65536, false);
      assertRemainder(readRpmDatabase(overwrite(big, 65536, 65536)), truth, truth.length - 20, truth.length - 1);
    });

    it('a truncated file gives the rest', () => {
      assertRemainder(readRpmDatabase(body.subarray(0, Math.floor(pages * 0.7) * pageSize)), truth, 1, truth.length - 1);
    });

    it('an overflow chain that loops back on itself ends', () => {
      const looped = Buffer.from(body);
      // The first overflow page (type 7) that continues: point it back at itself.
      let page = 1;
      while (page < pages && !(looped[page * pageSize + 25] === 7 && looped.readUInt32LE(page * pageSize + 16) !== 0)) page++;
      assert.ok(page < pages);
      looped.writeUInt32LE(page, page * pageSize + 16);
      const db = readRpmDatabase(looped);
      assert.match(db.problems.join(), /loops at page/);
      assertRemainder(db, truth, truth.length - 1, truth.length - 1);
    });
  });
});

describe('random damage', () => {
  // Deterministic byte flips and cuts over every real database. The backend readers themselves must
  // return (not throw, not hang), and a bad header must be an RpmHeaderError: readRpmDatabase's
  // catch-all is a last guard, not how damage is handled.
  const readers = { Packages: readBerkeleyDb, 'Packages.db': readNdb, 'rpmdb.sqlite': readSqlite };
  for (const { dir, file } of DATABASES) {
    it(`${dir}/${file}: 40 mutated copies are read without an exception`, { timeout: 60_000 }, () => {
      const body = databaseBytes(dir, file);
      let x = 12345;
      const next = (n: number) => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return x % n;
      };
      for (let round = 0; round < 40; round++) {
        // Every fourth copy is also cut short; the magic bytes are kept so the backend reader runs.
        const copy = Buffer.from(body.subarray(0, round % 4 === 0 ? 100 + next(body.length - 100) : body.length));
        for (let flips = 1 + next(64); flips > 0; flips--) copy[32 + next(copy.length - 32)] = next(256);
        for (const blob of readers[file](copy).blobs) {
          try {
            parseRpmHeader(blob);
          } catch (err) {
            assert.ok(err instanceof RpmHeaderError, `round ${round}: ${String(err)}`);
          }
        }
      }
    });
  }
});

describe('header blobs that lie about their lengths', () => {
  const blob = readSqlite(databaseBytes('amazonlinux2023-plain', 'rpmdb.sqlite')).blobs[5] ?? Buffer.alloc(0);

  function lie(edit: (b: Buffer) => void): Buffer {
    const copy = Buffer.from(blob);
    edit(copy);
    return copy;
  }

  it('the unchanged blob parses', () => {
    assert.ok(parseRpmHeader(blob).name.length > 0);
  });

  const cases: [string, (b: Buffer) => void, RegExp][] = [
    ['more index entries than rpm allows', (b) => b.writeUInt32BE(0x7fffffff, 0), /index entries/],
    ['more data than the blob holds', (b) => b.writeUInt32BE(b.readUInt32BE(4) + 1, 4), /blob has/],
    ['a data length beyond rpm limits', (b) => b.writeUInt32BE(0xfffffff0, 4), /bytes of data/],
    ['an entry pointing past the data', (b) => b.writeInt32BE(0x7ffffff0, 8 + 16 + 8), /outside the data/],
    ['a negative offset', (b) => b.writeInt32BE(-4, 8 + 16 + 8), /outside the data/],
    ['an array count beyond the data', (b) => b.writeUInt32BE(0x40000000, 8 + 16 + 12), /overruns|strings in/],
    ['an unknown tag type', (b) => b.writeUInt32BE(77, 8 + 16 + 4), /unknown type/],
  ];
  for (const [what, edit, message] of cases) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => parseRpmHeader(lie(edit)),
        (err: unknown) => err instanceof RpmHeaderError && message.test(err.message),
      );
    });
  }

  it('rejects a string that runs off the end of the data', () => {
    // Overwrite every NUL of the data store: no string is terminated any more.
    const dataStart = 8 + blob.readUInt32BE(0) * 16;
    const bad = lie((b) => {
      for (let i = dataStart; i < b.length; i++) if (b[i] === 0) b[i] = 0x41;
    });
    assert.throws(() => parseRpmHeader(bad), RpmHeaderError);
  });

  it('rejects blobs too short to hold a header', () => {
    for (const length of [0, 4, 7]) assert.throws(() => parseRpmHeader(blob.subarray(0, length)), RpmHeaderError);
  });
});
