// OSV range evaluation on hand-written records (the cases the OSV schema's evaluation section
// describes), with the real ecosystem comparators.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateAffected, evaluateRange, type RangeComparators } from '../../src/match/index.js';
import { versions } from '../../src/versions/index.js';
import type { OsvAffected, OsvRange } from '../../src/vulndb/index.js';

const npm: RangeComparators = { ecosystem: versions.npm.compare, semver: versions.npm.compare };
const pypi: RangeComparators = { ecosystem: versions.pep440.compare, semver: versions.semver.compare };
const range = (type: string, ...events: OsvRange['events']): OsvRange => ({ type, events });
const affected = (entry: OsvAffected, version: string, c = npm): boolean => evaluateAffected(entry, version, c).affected;

describe('OSV range evaluation (hand-written records)', () => {
  it('introduced 0 / fixed: affected below the fix, not at or above it', () => {
    const r = range('ECOSYSTEM', { introduced: '0' }, { fixed: '4.17.20' });
    assert.deepEqual(evaluateRange(r, '4.17.15', versions.npm.compare), { affected: true, fixed: '4.17.20' });
    assert.equal(evaluateRange(r, '4.17.20', versions.npm.compare).affected, false);
    assert.equal(evaluateRange(r, '4.17.21', versions.npm.compare).affected, false);
  });

  it('last_affected includes that version and nothing after it', () => {
    const r = range('ECOSYSTEM', { introduced: '1.0.0' }, { last_affected: '1.2.0' });
    assert.equal(evaluateRange(r, '0.9.0', versions.npm.compare).affected, false);
    assert.deepEqual(evaluateRange(r, '1.2.0', versions.npm.compare), { affected: true });
    assert.equal(evaluateRange(r, '1.2.1', versions.npm.compare).affected, false);
  });

  it("several introduced/fixed pairs in one range, given out of order: the fix on the version's own line", () => {
    const r = range('ECOSYSTEM', { fixed: '2.0.5' }, { introduced: '2.0.0' }, { introduced: '0' }, { fixed: '1.2.3' });
    assert.deepEqual(evaluateRange(r, '1.0.0', versions.npm.compare), { affected: true, fixed: '1.2.3' });
    assert.equal(evaluateRange(r, '1.5.0', versions.npm.compare).affected, false);
    assert.deepEqual(evaluateRange(r, '2.0.1', versions.npm.compare), { affected: true, fixed: '2.0.5' });
    assert.equal(evaluateRange(r, '2.0.5', versions.npm.compare).affected, false);
  });

  it('limit bounds the range from above', () => {
    const r = range('ECOSYSTEM', { introduced: '0' }, { limit: '3.0.0' });
    assert.equal(evaluateRange(r, '2.9.9', versions.npm.compare).affected, true);
    assert.equal(evaluateRange(r, '3.0.0', versions.npm.compare).affected, false);
  });

  it('an explicit versions list matches exact strings, in addition to ranges', () => {
    const entry: OsvAffected = { versions: ['1.0.0', '1.0.1'], ranges: [range('ECOSYSTEM', { introduced: '2.0.0' }, { fixed: '2.1.0' })] };
    assert.equal(affected(entry, '1.0.1'), true);
    assert.equal(affected(entry, '1.0.2'), false);
    assert.equal(affected(entry, '2.0.3'), true);
  });

  it('several ranges: affected when any range says so; the lowest fix among those that do', () => {
    const entry: OsvAffected = {
      ranges: [range('ECOSYSTEM', { introduced: '0' }, { fixed: '1.5.0' }), range('SEMVER', { introduced: '1.0.0' }, { fixed: '1.4.2' })],
    };
    assert.deepEqual(evaluateAffected(entry, '1.3.0', npm), { affected: true, fixed: '1.4.2' });
    assert.deepEqual(evaluateAffected(entry, '1.4.5', npm), { affected: true, fixed: '1.5.0' });
  });

  it('GIT ranges are skipped', () => {
    const entry: OsvAffected = { ranges: [{ type: 'GIT', repo: 'https://example.invalid/x.git', events: [{ introduced: '0' }, { fixed: 'abc123' }] }] };
    assert.equal(affected(entry, '1.0.0'), false);
  });

  it('ECOSYSTEM ranges use the ecosystem order (PEP 440: 1.0rc1 < 1.0 < 1.0.post1)', () => {
    const entry: OsvAffected = { ranges: [range('ECOSYSTEM', { introduced: '1.0rc1' }, { fixed: '1.0.post1' })] };
    assert.equal(affected(entry, '1.0', pypi), true);
    assert.equal(affected(entry, '1.0b2', pypi), false);
    assert.equal(affected(entry, '1.0.post1', pypi), false);
  });

  it('an entry with no ranges and no versions (a distribution\'s "not affected") affects nothing', () => {
    assert.equal(
      affected({ package: { ecosystem: 'Alpine:v3.10', name: 'musl' } }, '1.1.22-r3', { ecosystem: versions.apk.compare, semver: versions.semver.compare }),
      false,
    );
  });

  it('a version the ecosystem rejects throws VersionError (the matcher turns it into a warning)', () => {
    assert.throws(() => evaluateRange(range('ECOSYSTEM', { introduced: '0' }, { fixed: 'not a version' }), '1.0.0', versions.npm.compare), {
      name: 'VersionError',
    });
  });
});
