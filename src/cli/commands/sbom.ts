import { Option } from 'commander';
import { Command } from '../env.js';
import { toCycloneDx } from '../../report/cyclonedx.js';
import { buildReport, toInventory } from '../../report/report.js';
import { renderHtmlReport } from '../../report/html/report.js';
import { toSpdx } from '../../report/spdx.js';
import { addImageOptions, type ImageCliOptions } from '../image-options.js';
import { loadInventory } from '../load-image.js';
import { writeOutput } from '../output.js';

interface SbomOptions extends ImageCliOptions {
  format: 'cyclonedx' | 'spdx' | 'json' | 'html';
  output?: string;
}

export function sbomCommand(): Command {
  const command = new Command('sbom')
    .description('write the inventory of an image as an SBOM (CycloneDX 1.6, SPDX 2.3) or as the JSON report (html: the same as a page)')
    .argument('[ref]', 'image reference (oci:, oci-archive:, docker-archive:, dir:, docker:// or REPO:TAG), or --input FILE')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['cyclonedx', 'spdx', 'json', 'html']).default('cyclonedx'))
    .option('-o, --output <file>', 'write the SBOM to a file instead of stdout')
    .option('-q, --quiet', 'no progress output');
  return addImageOptions(command).action(async (ref: string | undefined, opts: SbomOptions) => {
    const { image, inventory } = await loadInventory(ref, opts);
    if (opts.format === 'html') {
      await writeOutput(renderHtmlReport(buildReport(image, { inventory })), opts.output);
      return;
    }
    const document =
      opts.format === 'json' ? buildReport(image, { inventory }) : opts.format === 'spdx' ? toSpdx(toInventory(image, inventory)) : toCycloneDx(toInventory(image, inventory));
    await writeOutput(`${JSON.stringify(document, null, 2)}\n`, opts.output);
  });
}
