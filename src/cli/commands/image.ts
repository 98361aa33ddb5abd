import { Command, Option } from 'commander';
import { parseEpssThreshold, parseFailOn, parseSeverityList, readIgnoreFile, readVexFile, type PolicyFailure } from '../../policy/index.js';
import { toCycloneDxWithVulnerabilities } from '../../report/cyclonedx-vex.js';
import { toInventory } from '../../report/report.js';
import { toSarif } from '../../report/sarif.js';
import { renderReportTable } from '../../report/table.js';
import { SCANNERS, parseScanners, type ScanOptions } from '../../scan.js';
import { dbSettings } from '../../config.js';
import { addImageOptions, type ImageCliOptions } from '../image-options.js';
import { loadScan } from '../load-image.js';
import { writeOutput } from '../output.js';
import { PlimsollError } from '../../errors.js';
import { serverMatcher } from '../../server/client.js';

interface ImageOptions extends ImageCliOptions {
  format?: 'json' | 'table' | 'sarif' | 'cyclonedx';
  output?: string;
  scanners: string;
  dbDir?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  ignoreFile?: string;
  vex?: string[];
  failOn?: string;
  failOnEpss?: string;
  server?: string;
  token?: string;
}

/** The server's token: --token, else PLIMSOLL_SERVER_TOKEN (which keeps it out of the process list). */
function serverToken(opts: ImageOptions): string {
  const token = opts.token ?? process.env.PLIMSOLL_SERVER_TOKEN;
  if (!token) throw new PlimsollError('--server needs --token (or PLIMSOLL_SERVER_TOKEN)');
  if (opts.offline) throw new PlimsollError('--server sends the inventory to the server, which --offline forbids');
  return token;
}

function scanOptions(opts: ImageOptions): ScanOptions {
  const severities = opts.severity ? parseSeverityList(opts.severity) : undefined;
  return {
    scanners: parseScanners(opts.scanners),
    db: { ...dbSettings(opts), offline: opts.offline === true, quiet: opts.quiet === true },
    ...(opts.server ? { remote: serverMatcher(opts.server, serverToken(opts)) } : {}),
    policy: {
      ...(severities ? { severities } : {}),
      ignoreUnfixed: opts.ignoreUnfixed === true,
      ignoreRules: readIgnoreFile(opts.ignoreFile),
      vex: (opts.vex ?? []).flatMap((file) => readVexFile(file)),
      failOn: { ...(opts.failOn ? parseFailOn(opts.failOn) : {}), ...(opts.failOnEpss ? { epss: parseEpssThreshold(opts.failOnEpss) } : {}) },
    },
  };
}

export function imageCommand(): Command {
  const command = new Command('image')
    .description('scan an image: every package, its known vulnerabilities, and its hardening (base image, configuration, secrets in every layer)')
    .argument('<ref>', 'image reference (oci:, oci-archive:, docker-archive:, dir:, docker:// or REPO:TAG)')
    .addOption(new Option('-f, --format <format>', 'output format (default: table on a terminal, else json)').choices(['table', 'json', 'sarif', 'cyclonedx']))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-q, --quiet', 'no progress output')
    .option('--scanners <list>', `what to run besides the inventory (${SCANNERS.join(', ')})`, SCANNERS.join(','))
    .option('--db-dir <dir>', 'vulnerability database directory (default ~/.cache/plimsoll/db); built on first use unless --offline')
    .option('--severity <list>', 'only report these severities (e.g. HIGH,CRITICAL)')
    .option('--ignore-unfixed', 'do not report vulnerabilities that have no fixed version')
    .option('--ignore-file <file>', 'ignore rules (default ./.plimsollignore when present; .yaml for the YAML form)')
    .option('--vex <file>', 'OpenVEX or CycloneDX VEX statements to apply; repeatable', (v: string, all: string[] = []) => [...all, v])
    .option('--fail-on <severity|kev>', 'exit 1 when a vulnerability or finding at or above this severity remains, or (kev) a known-exploited vulnerability; comma-separated, any one fails')
    .option('--fail-on-epss <probability>', 'exit 1 when a vulnerability with an EPSS score at or above this remains (0.1 or 10%)')
    .option('--server <url>', 'match on a Plimsoll server instead of the local database: only the SBOM (package metadata, layer digests) is sent, never files or secrets')
    .option('--token <token>', 'API token for --server, with the submit scope (or PLIMSOLL_SERVER_TOKEN)');
  return addImageOptions(command).action(async (ref: string, opts: ImageOptions) => {
    const options = scanOptions(opts);
    const { image, report, scan } = await loadScan(ref, opts, options);
    const severities = options.policy?.severities;
    if (severities) report.findings = report.findings.filter((f) => severities.includes(f.severity));
    const format = opts.format ?? (process.stdout.isTTY && !opts.output ? 'table' : 'json');
    const vulnerabilities = report.vulnerabilities ?? [];
    let text: string;
    if (format === 'json') text = `${JSON.stringify(report, null, 2)}\n`;
    else if (format === 'sarif') text = `${JSON.stringify(toSarif({ vulnerabilities, findings: report.findings, artifactRef: ref }), null, 2)}\n`;
    else if (format === 'cyclonedx') {
      const suppressed = scan.policy?.suppressed ?? [];
      text = `${JSON.stringify(toCycloneDxWithVulnerabilities(toInventory(image, scan.inventory), vulnerabilities, { suppressed, suppressedFindings: scan.match?.vulnerabilities ?? [] }), null, 2)}\n`;
    } else {
      const terminal = process.stdout.isTTY === true && !opts.output;
      // A pipe has no width of its own; COLUMNS, as shells and `less` users set it, gives one.
      const width = opts.output ? undefined : (terminal ? process.stdout.columns : undefined) ?? (Number(process.env.COLUMNS) || undefined);
      text = renderReportTable(report, { color: terminal && !process.env.NO_COLOR, ...(width ? { width } : {}) });
    }
    await writeOutput(text, opts.output);
    if (scan.policy?.failed) {
      process.stderr.write(failureSummary(scan.policy.failures));
      process.exitCode = 1;
    }
  });
}

/** Which findings failed the gate, on stderr, so a red CI job says why. */
function failureSummary(failures: readonly PolicyFailure[]): string {
  const shown = failures.slice(0, 5).map((f) => `${f.id} (${f.subject}: ${f.reason})`);
  const more = failures.length > shown.length ? `, and ${failures.length - shown.length} more` : '';
  return `plimsoll: policy failed: ${failures.length} finding${failures.length === 1 ? '' : 's'} met --fail-on: ${shown.join('; ')}${more}\n`;
}
