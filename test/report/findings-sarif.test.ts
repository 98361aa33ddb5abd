// Hardening and Dockerfile findings in SARIF: valid against the official 2.1.0 schema, one rule per
// check, results located at the file and line (a Dockerfile of the real corpus; a testbed image).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { lintDockerfileFile } from '../../src/dockerfile/index.js';
import { toSarif } from '../../src/report/sarif.js';
import { scanImage } from '../../src/scan.js';
import { SHARED, TESTBED, needTestbed } from '../helpers/testbed.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
const ajv = new AjvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats.default(ajv as unknown as Ajv);
const validate = ajv.compile(schema);

interface Run {
  tool: { driver: { rules: { id: string }[] } };
  results: { ruleId: string; ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
}

describe('findings in SARIF', () => {
  const dockerfile = join(SHARED, 'dockerfiles', 'docker__awesome-compose__fastapi_Dockerfile');
  it('Dockerfile findings locate their line', { skip: existsSync(dockerfile) ? undefined : 'Dockerfile corpus absent' }, async () => {
    const { findings } = await lintDockerfileFile(dockerfile);
    assert.ok(findings.length > 0);
    const sarif = toSarif({ vulnerabilities: [], findings, artifactRef: dockerfile });
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
    const run = (sarif.runs as Run[])[0] as Run;
    assert.equal(run.results.length, findings.length);
    const lines = readFileSync(dockerfile, 'utf8').split('\n');
    for (const [i, r] of run.results.entries()) {
      assert.equal(run.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
      const line = r.locations[0]?.physicalLocation.region.startLine ?? 0;
      assert.equal(line, findings[i]?.line);
      assert.match(lines[line - 1] ?? '', /^\s*[A-Z]+/, 'points at an instruction line');
    }
  });

  it('image findings sit beside vulnerabilities', { skip: needTestbed() }, async () => {
    const report = await scanImage(`oci:${TESTBED}/oci/debian-bookworm:12`, { scanners: ['config', 'secret'] });
    const sarif = toSarif({ vulnerabilities: [], findings: report.findings, artifactRef: 'debian-bookworm' });
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
    const run = (sarif.runs as Run[])[0] as Run;
    const setuid = run.results.filter((r) => r.ruleId === 'PLM-SETUID').map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri);
    assert.ok(setuid.includes('usr/bin/passwd'));
    assert.equal(new Set(run.tool.driver.rules.map((r) => r.id)).size, run.tool.driver.rules.length, 'one rule per check');
  });
});
