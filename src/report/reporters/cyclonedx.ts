import { toCycloneDx } from '../cyclonedx.js';
import { toCycloneDxWithVulnerabilities } from '../cyclonedx-vex.js';
import { unsupported, type Render } from '../reporter.js';

export const render: Render = (input) => {
  if (input.subject !== 'image') unsupported('cyclonedx', input);
  const { vex, inventory } = input;
  const bom = vex ? toCycloneDxWithVulnerabilities(inventory, input.report.vulnerabilities ?? [], { suppressed: vex.suppressed, suppressedFindings: vex.matched }) : toCycloneDx(inventory);
  return `${JSON.stringify(bom, null, 2)}\n`;
};
