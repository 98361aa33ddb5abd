// The reporter registry: every format loads and renders what its commands give it, and each
// command's --format choices are the registry's (checked on the built CLI's help).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import { REPORTERS, reportersFor } from '../../src/report/registry.js';
import type { ImageReportInput, LintReportInput } from '../../src/report/reporter.js';
import { BUILT_CLI } from '../helpers/cli.js';

// Hand-written: one image with no OS and no packages, and one Dockerfile finding.
const image: ImageReportInput = {
  subject: 'image',
  report: {
    schemaVersion: 1,
    artifact: { ref: 'oci:/tmp/none:1', transport: 'oci', layers: [], config: { env: [] }, history: [] },
    packages: [],
    findings: [],
    warnings: [],
    summary: { packages: 0, packagesByType: {}, findings: 0, findingsBySeverity: {} },
  },
  inventory: { artifact: { ref: 'oci:/tmp/none:1' }, packages: [], warnings: [] },
};
const finding: Finding = {
  id: 'PLD003',
  kind: 'dockerfile',
  severity: 'HIGH',
  title: 'hand-written finding',
  path: 'Dockerfile',
  line: 3,
  remediation: 'none: a fixture',
};
const lint: LintReportInput = { subject: 'dockerfile', findings: [finding], path: 'Dockerfile' };

test('every reporter renders what each of its commands gives it', async () => {
  assert.deepEqual(
    REPORTERS.map((r) => r.name),
    ['table', 'json', 'sarif', 'cyclonedx', 'spdx', 'html'],
  );
  for (const reporter of REPORTERS) {
    for (const command of reporter.commands) {
      const text = await reporter.render(command === 'dockerfile' ? lint : image, {});
      assert.equal(typeof text, 'string');
      if (reporter.mediaType?.endsWith('json')) JSON.parse(text as string);
      if (reporter.mediaType === 'text/html') assert.match(text as string, /^<!doctype html>/i, `${reporter.name} writes a page`);
      if (command === 'dockerfile') assert.match(text as string, /PLD003/, `${reporter.name} shows the finding`);
    }
  }
});

test("each command's --format choices and help come from the registry", () => {
  for (const command of ['image', 'sbom', 'dockerfile'] as const) {
    // Wrapped to 80 columns: read as one line.
    const help = spawnSync(process.execPath, [BUILT_CLI, command, '--help'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    const choices = /choices: ([^)]*?), default/.exec(help)?.[1];
    assert.equal(
      choices,
      reportersFor(command)
        .map((r) => `"${r.name}"`)
        .join(', '),
      command,
    );
    for (const reporter of reportersFor(command))
      assert.ok(help.includes(`${reporter.name} (${reporter.description})`), `${command} --help describes ${reporter.name}`);
  }
});
