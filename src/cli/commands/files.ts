import { Option } from 'commander';
import { Command } from '../env.js';
import { addImageOptions, type ImageCliOptions } from '../image-options.js';

export interface FilesOptions extends ImageCliOptions {
  format: 'json' | 'table';
  output?: string;
}

export function filesCommand(): Command {
  const command = new Command('files')
    .description('list the merged filesystem of an image, with the layer that wrote each path')
    .argument('[ref]', 'image reference (oci:, oci-archive:, docker-archive:, dir:, docker:// or REPO:TAG), or --input FILE')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .option('-q, --quiet', 'no progress output');
  return addImageOptions(command).action(async (ref: string | undefined, opts: FilesOptions) => (await import('../actions/files.js')).runFiles(ref, opts));
}
