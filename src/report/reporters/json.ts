import type { Render } from '../reporter.js';

/** The JSON report of DESIGN.md; for a Dockerfile, its findings. */
export const render: Render = (input) =>
  `${JSON.stringify(input.subject === 'image' ? input.report : { schemaVersion: 1, findings: input.findings }, null, 2)}\n`;
