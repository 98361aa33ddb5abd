import { Command } from '../env.js';
import { PKG_TYPES, SCANNERS } from '../../model/scanners.js';
import { addCacheOptions, addImageOptions, type CacheCliOptions, type ImageCliOptions } from '../image-options.js';
import { formatOption } from '../format.js';

export interface ImageOptions extends ImageCliOptions, CacheCliOptions {
  format: string;
  output?: string;
  scanners: string;
  dbDir?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  ignoreFile?: string;
  vex?: string[];
  failOn?: string;
  failOnEpss?: string;
  exitCode?: string;
  pkgTypes?: string;
  listAllPkgs?: boolean;
  server?: string;
  token?: string;
}

export function imageCommand(): Command {
  const command = new Command('image')
    .description('scan an image: every package, its known vulnerabilities, and its hardening (base image, configuration, secrets in every layer)')
    .argument('[ref]', 'image reference (oci:, oci-archive:, docker-archive:, dir:, docker:// or REPO:TAG), or --input FILE')
    .addOption(formatOption('image', 'table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-q, --quiet', 'no progress output')
    .option('--scanners <list>', `what to run besides the inventory (${SCANNERS.join(', ')})`, SCANNERS.join(','))
    .option('--db-dir <dir>', 'vulnerability database directory (default ~/.cache/plimsoll/db); built on first use unless --offline')
    .option('--severity <list>', 'only report these severities (e.g. HIGH,CRITICAL)')
    .option('--ignore-unfixed', 'do not report vulnerabilities that have no fixed version')
    .option('--ignore-file <file>', 'ignore rules (default ./.plimsollignore when present; .yaml for the YAML form)')
    .option('--vex <file>', 'OpenVEX or CycloneDX VEX statements to apply; repeatable', (v: string, all: string[] = []) => [...all, v])
    .option(
      '--fail-on <severity|kev>',
      'exit 1 when a vulnerability or finding at or above this severity remains, or (kev) a known-exploited vulnerability; comma-separated, any one fails',
    )
    .option('--fail-on-epss <probability>', 'exit 1 when a vulnerability with an EPSS score at or above this remains (0.1 or 10%)')
    .option(
      '--exit-code <code>',
      'exit with this code instead of 1 when the policy fails; without --fail-on, fail when anything is reported (after --severity)',
    )
    .option('--pkg-types <list>', `which packages to list and match (${PKG_TYPES.join(', ')})`)
    .option('--list-all-pkgs', 'list every package in the table, not only the vulnerable ones')
    .option(
      '--server <url>',
      'match on a Plimsoll server instead of the local database: only the SBOM (package metadata, layer digests) is sent, never files or secrets',
    )
    .option('--token <token>', 'API token for --server, with the submit scope (or PLIMSOLL_SERVER_TOKEN)');
  return addCacheOptions(addImageOptions(command)).action(async (ref: string | undefined, opts: ImageOptions) =>
    (await import('../actions/image.js')).runImage(ref, opts),
  );
}
