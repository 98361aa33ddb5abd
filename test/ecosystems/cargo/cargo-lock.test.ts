import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cargoLockAnalyzer } from '../../../src/ecosystems/cargo/cargo-lock.js';
import { analyzeFiles, FIXTURES } from '../helpers.js';

const read = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

describe('rust: Cargo.lock', () => {
  it('a Cargo.lock written by cargo 1.95 (v4): the crates `cargo metadata` gives a source, path crates left out', async () => {
    const { packages, warnings } = await analyzeFiles(cargoLockAnalyzer, { 'build/Cargo.lock': read('cargo/Cargo.lock') });
    assert.deepEqual(warnings, []);
    const expected = read('cargo/expected.tsv')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .filter((r) => r[2] !== '-');
    assert.deepEqual(packages.map((p) => `${p.name}@${p.version}`).sort(), expected.map(([n, v]) => `${n}@${v}`).sort());
    assert.equal(packages.find((p) => p.name === 'itoa')?.purl, 'pkg:cargo/itoa@1.0.9');
    assert.ok(packages.every((p) => p.locations[0]?.path === 'build/Cargo.lock' && p.metadata === undefined));
  });

  it('a git source is recorded (hand-written v1-format entry)', async () => {
    const lock =
      '[[package]]\nname = "rand"\nversion = "0.8.5"\nsource = "git+https://github.com/rust-random/rand?rev=abc#abc"\n\n[metadata]\n"checksum x" = "y"\n';
    const { packages } = await analyzeFiles(cargoLockAnalyzer, { 'Cargo.lock': lock });
    assert.equal(packages[0]?.metadata?.source, 'git+https://github.com/rust-random/rand?rev=abc#abc');
  });

  it('malformed input: a warning naming the file', async () => {
    for (const body of ['[[package]\nname = ', 'version = 3\n']) {
      const { packages, warnings } = await analyzeFiles(cargoLockAnalyzer, { 'app/Cargo.lock': body });
      assert.deepEqual(packages, []);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]?.path, 'app/Cargo.lock');
    }
  });
});
