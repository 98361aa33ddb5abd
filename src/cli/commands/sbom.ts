import { Command } from '../env.js';
import { addCacheOptions, addImageOptions, type CacheCliOptions, type ImageCliOptions } from '../image-options.js';
import { formatOption } from '../format.js';

export interface SbomOptions extends ImageCliOptions, CacheCliOptions {
  format: string;
  output?: string;
}

export function sbomCommand(): Command {
  const command = new Command('sbom')
    .description('write the inventory of an image as an SBOM (CycloneDX 1.6, SPDX 2.3) or as the JSON report')
    .argument('[ref]', 'image reference (oci:, oci-archive:, docker-archive:, dir:, docker:// or REPO:TAG), or --input FILE')
    .addOption(formatOption('sbom', 'cyclonedx'))
    .option('-o, --output <file>', 'write the SBOM to a file instead of stdout')
    .option('-q, --quiet', 'no progress output');
  return addCacheOptions(addImageOptions(command)).action(async (ref: string | undefined, opts: SbomOptions) =>
    (await import('../actions/sbom.js')).runSbom(ref, opts),
  );
}
