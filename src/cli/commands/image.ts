import { Command, Option } from 'commander';
import { renderReportTable } from '../../report/table.js';
import { SCANNERS, parseScanners } from '../../scan.js';
import { addImageOptions, type ImageCliOptions } from '../image-options.js';
import { loadReport } from '../load-image.js';
import { writeOutput } from '../output.js';

interface ImageOptions extends ImageCliOptions {
  format?: 'json' | 'table';
  output?: string;
  scanners: string;
}

export function imageCommand(): Command {
  const command = new Command('image')
    .description('scan an image: what it is, every package in it, and its hardening (base image, configuration, secrets in every layer)')
    .argument('<ref>', 'image reference (oci:, oci-archive:, docker-archive:, dir:, docker:// or REPO:TAG)')
    .addOption(new Option('-f, --format <format>', 'output format (default: table on a terminal, else json)').choices(['table', 'json']))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-q, --quiet', 'no progress output')
    .option('--scanners <list>', `what to check besides the inventory (${SCANNERS.join(', ')})`, SCANNERS.join(','));
  return addImageOptions(command).action(async (ref: string, opts: ImageOptions) => {
    const scanners = parseScanners(opts.scanners);
    const { report } = await loadReport(ref, opts, { scanners });
    const format = opts.format ?? (process.stdout.isTTY && !opts.output ? 'table' : 'json');
    await writeOutput(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReportTable(report), opts.output);
  });
}
