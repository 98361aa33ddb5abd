// Every vector in apk-tools' own test/unit/version.data (copied to
// /work/shared/oracles/apk): comparisons, fuzzy matches and validity.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { apkMatches, versions } from '../../src/versions/index.js';

const VECTORS = '/work/shared/oracles/apk/version.data';

function lines(): string[] {
  return readFileSync(VECTORS, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '');
}

const skip = existsSync(VECTORS) ? false : `${VECTORS} is missing`;

test('apk: every comparison vector of apk-tools holds', { skip }, () => {
  const failures: string[] = [];
  let count = 0;
  for (const line of lines()) {
    const parts = line.split(/\s+/);
    if (parts.length !== 3) continue;
    const [a = '', op = '', b = ''] = parts;
    count++;
    if (!apkMatches(a, op, b)) failures.push(line);
  }
  assert.ok(count > 700, `only ${count} comparison vectors found`);
  assert.deepEqual(failures, []);
});

test('apk: every validity vector of apk-tools holds', { skip }, () => {
  const failures: string[] = [];
  let count = 0;
  for (const line of lines()) {
    if (/\s/.test(line)) continue;
    count++;
    const invalid = line.startsWith('!');
    const version = invalid ? line.slice(1) : line;
    let accepted = true;
    try {
      versions.apk.parse(version);
    } catch (err) {
      assert.equal((err as Error).name, 'VersionError');
      accepted = false;
    }
    if (accepted === invalid) failures.push(line);
  }
  assert.ok(count > 30, `only ${count} validity vectors found`);
  assert.deepEqual(failures, []);
});

test('apk: compare() agrees with the < = > vectors as a three-way order', { skip }, () => {
  for (const line of lines()) {
    const [a = '', op = '', b = ''] = line.split(/\s+/);
    const expected = { '<': -1, '=': 0, '>': 1 }[op];
    if (expected === undefined) continue;
    assert.equal(versions.apk.compare(a, b), expected, line);
    assert.equal(versions.apk.compare(b, a), -expected || 0, `${line} (reversed)`);
  }
});
