// A scan closes what it opened outside the heap (the spilled index's SQLite database, the bodies' temp
// file) when it ends, so a long-running process (the server scanning a registry catalog, a library user
// calling scanImage in a loop) does not hold descriptors until garbage collection.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, rmSync } from 'node:fs';
import { manyEntries, writeStreamedLayout } from '../../bench/hostile-layouts.js';
import { openImage } from '../../src/image/open.js';
import { inventoryImage } from '../../src/inventory/run.js';
import { scanImage } from '../../src/scan.js';

/** Enough entries to move the index to SQLite (past 30,000 nodes) and spill the entry log to the body store. */
const ENTRIES = 150_000;
const SCANS = 3;

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

/** The files a scan opens and unlinks at once: the body store's and SQLite's temp files. */
function scanTempFiles(): string[] {
  const targets = readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return ''; // the descriptor readdir itself used, closed by now
    }
  });
  return targets.filter((t) => /plimsoll-bodies-|etilqs_/.test(t));
}

describe('scan resources', () => {
  const ref = writeStreamedLayout(manyEntries(ENTRIES));
  after(() => rmSync(ref.replace(/^oci:/, '').replace(/:generated$/, ''), { recursive: true, force: true }));

  it('holds descriptors while the contents are open and none once they are closed', async () => {
    const image = await openImage(ref);
    try {
      const before = openDescriptors();
      const inventory = await inventoryImage(image);
      assert.ok(inventory.contents.fs.indexSpilled, 'the index moved to SQLite');
      const held = scanTempFiles();
      assert.ok(
        held.some((t) => t.includes('plimsoll-bodies-')) && held.some((t) => t.includes('etilqs_')),
        `the spilled index and bodies are held in files: ${held.join(', ')}`,
      );
      inventory.contents.close();
      inventory.contents.close();
      assert.deepEqual(scanTempFiles(), []);
      assert.equal(openDescriptors(), before);
    } finally {
      await image.close();
    }
  });

  it(`does not grow the open descriptors over ${SCANS} scanImage calls in one process`, async () => {
    await scanImage(ref, { scanners: ['secret'] });
    const settled = openDescriptors();
    for (let i = 0; i < SCANS; i++) {
      await scanImage(ref, { scanners: ['secret'] });
      // Checked as each scan returns: a garbage collection could have closed them by the end of the loop.
      assert.deepEqual(scanTempFiles(), [], `scan ${i + 1} left its temp files open`);
    }
    assert.equal(openDescriptors(), settled);
  });
});
