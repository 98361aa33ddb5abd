import type { Render } from '../reporter.js';
import { toSarif } from '../sarif.js';

export const render: Render = (input) => {
  const sarif =
    input.subject === 'image'
      ? toSarif({ vulnerabilities: input.report.vulnerabilities ?? [], findings: input.report.findings, artifactRef: input.report.artifact.ref })
      : toSarif({ vulnerabilities: [], findings: input.findings, artifactRef: input.path });
  return `${JSON.stringify(sarif, null, 2)}\n`;
};
