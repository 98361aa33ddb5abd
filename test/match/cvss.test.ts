// CVSS scores computed from vectors, against the scores the FIRST documents give for them:
// v3.1 from "CVSS v3.1 Examples" (first.org/cvss/v3.1/examples), v4.0 from the specification's
// examples and its reference calculator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cvss3BaseScore, cvss4Score, cvssScore, severityFromScore } from '../../src/match/index.js';
import { storedCvss4First } from '../../src/match/cvss/index.js';

describe('CVSS v3.1 base score (FIRST examples)', () => {
  const examples: [string, string, number][] = [
    ['CVE-2014-0160 Heartbleed', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5],
    ['CVE-2014-6271 Shellshock', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVE-2013-1937 phpMyAdmin XSS', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVE-2013-0375 MySQL', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
    ['CVE-2014-3566 POODLE', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1],
    ['CVE-2012-1516 VMware', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
    ['CVE-2009-0783 Tomcat', 'CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L', 4.2],
    ['CVE-2016-1645 Chrome', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 8.8],
  ];
  for (const [name, vector, score] of examples) {
    it(`${name}: ${score}`, () => assert.equal(cvss3BaseScore(vector), score));
  }
  it('no impact scores 0 whatever the scope', () => assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N'), 0));
  it('temporal metrics are validated but leave the base score alone', () =>
    assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:U/RL:O'), 7.5));
  it('rejects a missing base metric, a bad value and a repeated metric', () => {
    assert.throws(() => cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N'), /A missing/);
    assert.throws(() => cvss3BaseScore('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'), /invalid metric/);
    assert.throws(() => cvss3BaseScore('CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'), /twice/);
  });
});

describe('CVSS v4.0 score', () => {
  it("the specification's network/no-privilege/high-impact example scores 9.3", () =>
    assert.equal(cvss4Score('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), 9.3));
  it('every impact high scores 10.0', () => assert.equal(cvss4Score('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H'), 10));
  it('no impact at all scores 0.0', () => assert.equal(cvss4Score('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N'), 0));
  it('an incomplete or invalid vector is rejected, and cvssScore returns undefined for it', () => {
    assert.throws(() => cvss4Score('CVSS:4.0/AV:N/AC:L'));
    assert.equal(cvssScore('CVSS:4.0/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), undefined);
    assert.equal(cvssScore('AV:N/AC:L/Au:N/C:P/I:P/A:P'), undefined);
  });
});

describe('v4.0 scores stored by the database', () => {
  const v4 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
  const v31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N';
  it('are taken as stored (a stand-in 1.5 here), null meaning the vector does not compute', () => {
    assert.equal(storedCvss4First(() => 1.5)(v4), 1.5);
    assert.equal(storedCvss4First(() => null)(v4), undefined);
  });
  it('are computed when the database has none, and v3.x vectors always are', () => {
    const asked: string[] = [];
    const score = storedCvss4First((vector) => void asked.push(vector));
    assert.equal(score(v4), 9.3);
    assert.equal(score(v31), 7.5);
    assert.deepEqual(asked, [v4]);
  });
});

describe('qualitative rating', () => {
  it('follows the specification bands', () => {
    assert.deepEqual([0, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityFromScore), ['LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL']);
  });
});
