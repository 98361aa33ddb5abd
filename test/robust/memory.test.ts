// Memory that does not grow with the number of wanted files: bodies past the store's budget live on disk.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BodyStore, SpilledBody, bodyBytes } from '../../src/image/body-store.js';
import { EntryLog } from '../../src/image/entry-log.js';
import type { LayerEntry } from '../../src/image/layer-reader.js';
import { MergedFilesystem } from '../../src/image/merged-fs.js';
import { FIXTURE_LAYER } from '../helpers/memory-fs.js';

describe('bounded memory', () => {
  it('keeps bodies in memory up to its budget, then spills them and reads them back intact', () => {
    const store = new BodyStore(100);
    const small = store.keep(Buffer.from('a'.repeat(60)));
    const spilled = [store.keep(Buffer.from('b'.repeat(60))), store.keep(Buffer.from('c'.repeat(5000)))];
    assert.ok(Buffer.isBuffer(small));
    assert.ok(spilled.every((b) => b instanceof SpilledBody));
    assert.equal(bodyBytes(spilled[0] as SpilledBody).toString(), 'b'.repeat(60));
    assert.equal(bodyBytes(spilled[1] as SpilledBody).toString(), 'c'.repeat(5000));
  });

  it('a spilled body is read back on each use by the merged view, not held by it', () => {
    const store = new BodyStore(0);
    const body = store.keep(Buffer.from('Package: x\n'));
    const fs = new MergedFilesystem(FIXTURE_LAYER);
    fs.apply({
      ref: FIXTURE_LAYER,
      entries: [{ path: 'var/lib/dpkg/status', type: 'file', mode: 0o644, size: 11, body }],
      whiteouts: [],
      opaqueDirs: [],
      compression: 'none',
      tarBytes: 0,
      warnings: [],
    });
    const file = fs.read('var/lib/dpkg/status');
    assert.equal(file?.body.toString(), 'Package: x\n');
    assert.notEqual(file?.body, file?.body, 'a fresh buffer each time');
    assert.deepEqual(
      fs.captured().map((f) => f.body.toString()),
      ['Package: x\n'],
    );
  });

  it('a layer log past a few megabytes spills its chunks to the store and reads every entry back in order', () => {
    let spilled = 0;
    const store = new (class extends BodyStore {
      override spill(body: Buffer): SpilledBody {
        spilled += body.length;
        return super.spill(body);
      }
    })(0);
    const entry = (i: number): LayerEntry => ({
      path: `d${i % 7}/file-${i}`,
      type: i % 5 === 0 ? 'symlink' : 'file',
      mode: 0o644,
      size: i,
      uid: i % 3,
      gid: 0,
      ...(i % 5 === 0 ? { linkTarget: `../t${i}` } : {}),
    });
    const count = 200_000;
    const log = new EntryLog(store);
    for (let i = 0; i < count; i++) log.push(entry(i));
    assert.ok(spilled > 2 * 1024 * 1024, `chunks went to the temp file (${spilled} bytes)`);
    let i = 0;
    for (const read of log) assert.deepEqual(read, entry(i++));
    assert.equal(i, count);
    const odd = EntryLog.from(log, (e) => (e.size % 2 === 1 ? e : undefined), store);
    assert.equal(odd.size, count / 2);
  });
});
