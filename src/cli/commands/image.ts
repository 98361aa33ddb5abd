import { Command, Option } from 'commander';
import { buildReport } from '../../report/report.js';
import { renderReportTable } from '../../report/table.js';
import { addImageOptions, type ImageCliOptions } from '../image-options.js';
import { loadInventory } from '../load-image.js';
import { writeOutput } from '../output.js';

interface ImageOptions extends ImageCliOptions {
  format?: 'json' | 'table';
  output?: string;
}

export function imageCommand(): Command {
  const command = new Command('image')
    .description('scan an image: what it is and every package in it (vulnerabilities and hardening come as they land)')
    .argument('<ref>', 'image reference (oci:, oci-archive:, docker-archive:, dir:, docker:// or REPO:TAG)')
    .addOption(new Option('-f, --format <format>', 'output format (default: table on a terminal, else json)').choices(['table', 'json']))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-q, --quiet', 'no progress output');
  return addImageOptions(command).action(async (ref: string, opts: ImageOptions) => {
    const { image, inventory } = await loadInventory(ref, opts);
    const report = buildReport(image, inventory);
    const format = opts.format ?? (process.stdout.isTTY && !opts.output ? 'table' : 'json');
    await writeOutput(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReportTable(report), opts.output);
  });
}
