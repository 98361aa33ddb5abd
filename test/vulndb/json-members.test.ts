// The streaming reader of a top-level JSON object must yield exactly what JSON.parse of the whole
// file gives, whatever the chunk boundaries (real Alpine secdb files from the mirror, and the
// hand-written tracker fixture with quotes, braces and multi-byte characters in strings).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { jsonObjectMembers } from '../../src/vulndb/feeds/json-members.js';
import { MIRROR } from './mirror-truth.js';

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-vulndb-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

async function members(path: string, chunkBytes?: number): Promise<[string, unknown][]> {
  const out: [string, unknown][] = [];
  for await (const member of jsonObjectMembers(path, chunkBytes)) out.push(member);
  return out;
}

const FILES = [
  join(import.meta.dirname, '../fixtures/vulndb/debian-tracker-handwritten.json'),
  join(MIRROR, 'alpine-secdb/v3.6/main.json'),
  join(MIRROR, 'alpine-secdb/v3.3/community.json'),
];

test('members equal JSON.parse of the whole file, for any chunk size', async () => {
  for (const file of FILES.filter((f) => existsSync(f))) {
    const expected = Object.entries(JSON.parse(readFileSync(file, 'utf8')) as object);
    for (const chunk of [1, 7, 4096, undefined]) assert.deepEqual(await members(file, chunk), expected, `${file} in chunks of ${chunk ?? 'default'}`);
  }
});

test('scalars, nesting and odd spacing', async () => {
  const path = join(work, 'odd.json');
  const value = { a: 1, 'k"ey': 'v}a,l', e: {}, l: [[], [{}]], t: true, n: null, s: -1.5e3 };
  writeFileSync(path, ` \n${JSON.stringify(value, null, 3)}\n\n`);
  assert.deepEqual(await members(path, 3), Object.entries(value));
  writeFileSync(path, '{}');
  assert.deepEqual(await members(path), []);
});

test('broken files are errors that say where', async () => {
  const path = join(work, 'bad.json');
  for (const [text, pattern] of [
    ['[1, 2]', /character 0: expected "\{"/],
    ['{"a": {"b": 1}', /unexpected end of file/],
    ['{"a": 1} x', /text after the end/],
    ['{"a": {"b": tru}}', /member "a": /],
    ['{"a" 1}', /expected ":" after "a"/],
  ] as const) {
    writeFileSync(path, text);
    await assert.rejects(members(path), pattern, text);
  }
});
