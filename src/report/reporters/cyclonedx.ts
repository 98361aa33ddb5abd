import { toCycloneDx } from '../cyclonedx.js';
import { unsupported, type Render } from '../reporter.js';

export const render: Render = async (input) => {
  if (input.subject !== 'image') unsupported('cyclonedx', input);
  const { vex, inventory } = input;
  // The vulnerabilities section's CVSS ratings need the CVSS calculator: loaded only after a scan, not for `sbom`.
  const bom = vex
    ? (await import('../cyclonedx-vex.js')).toCycloneDxWithVulnerabilities(inventory, input.report.vulnerabilities ?? [], {
        suppressed: vex.suppressed,
        suppressedFindings: vex.matched,
      })
    : toCycloneDx(inventory);
  return `${JSON.stringify(bom, null, 2)}\n`;
};
