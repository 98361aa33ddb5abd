import { Option } from 'commander';
import { Command } from '../env.js';
import { parseEpssThreshold, parseFailOn, parseSeverityList, readIgnoreFile, readVexFile, type PolicyFailure } from '../../policy/index.js';
import { toCycloneDxWithVulnerabilities } from '../../report/cyclonedx-vex.js';
import { toInventory } from '../../report/report.js';
import { toSarif } from '../../report/sarif.js';
import { renderReportTable } from '../../report/table.js';
import { renderHtmlReport } from '../../report/html/report.js';
import { PKG_TYPES, SCANNERS, parsePkgTypes, parseScanners, type ScanOptions } from '../../scan.js';
import { PlimsollError } from '../../errors.js';
import { dbSettings } from '../../config.js';
import { addImageOptions, type ImageCliOptions } from '../image-options.js';
import { loadScan } from '../load-image.js';
import { writeOutput } from '../output.js';
import { serverMatcher } from '../../server/client.js';

interface ImageOptions extends ImageCliOptions {
  format: 'json' | 'table' | 'sarif' | 'cyclonedx' | 'html';
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

/** The server's token: --token, else PLIMSOLL_SERVER_TOKEN (which keeps it out of the process list). */
function serverToken(opts: ImageOptions): string {
  const token = opts.token ?? process.env.PLIMSOLL_SERVER_TOKEN;
  if (!token) throw new PlimsollError('--server needs --token (or PLIMSOLL_SERVER_TOKEN)');
  if (opts.offline) throw new PlimsollError('--server sends the inventory to the server, which --offline forbids');
  return token;
}

/**
 * `--exit-code N`, as Trivy: the code for a failed policy, and without --fail-on the policy
 * itself (anything left after --severity fails). 0 is Trivy's "never fail"; 2 and 3 keep their
 * meanings (usage error, internal error), so they are refused.
 */
function exitCode(opts: ImageOptions): number | undefined {
  if (opts.exitCode === undefined) return undefined;
  const code = Number(opts.exitCode);
  if (!/^\d+$/.test(opts.exitCode.trim()) || code > 255 || code === 2 || code === 3) throw new PlimsollError(`--exit-code: "${opts.exitCode}" is not an exit code for a failed policy (0, 1 or 4-255; 2 and 3 mean usage and internal errors)`);
  if (code === 0 && (opts.failOn || opts.failOnEpss)) throw new PlimsollError('--exit-code 0 never fails: it contradicts --fail-on and --fail-on-epss');
  return code;
}

function scanOptions(opts: ImageOptions, code: number | undefined): ScanOptions {
  const severities = opts.severity ? parseSeverityList(opts.severity) : undefined;
  const gate = opts.failOn || opts.failOnEpss;
  return {
    scanners: parseScanners(opts.scanners),
    ...(opts.pkgTypes ? { pkgTypes: parsePkgTypes(opts.pkgTypes) } : {}),
    db: { ...dbSettings(opts), offline: opts.offline === true, quiet: opts.quiet === true },
    ...(opts.server ? { remote: serverMatcher(opts.server, serverToken(opts)) } : {}),
    policy: {
      ...(severities ? { severities } : {}),
      ignoreUnfixed: opts.ignoreUnfixed === true,
      ignoreRules: readIgnoreFile(opts.ignoreFile),
      vex: (opts.vex ?? []).flatMap((file) => readVexFile(file)),
      failOn: {
        ...(opts.failOn ? parseFailOn(opts.failOn) : {}),
        ...(opts.failOnEpss ? { epss: parseEpssThreshold(opts.failOnEpss) } : {}),
        ...(code !== undefined && code > 0 && !gate ? { any: true } : {}),
      },
    },
  };
}

export function imageCommand(): Command {
  const command = new Command('image')
    .description('scan an image: every package, its known vulnerabilities, and its hardening (base image, configuration, secrets in every layer)')
    .argument('[ref]', 'image reference (oci:, oci-archive:, docker-archive:, dir:, docker:// or REPO:TAG), or --input FILE')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif', 'cyclonedx', 'html']).default('table'))
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
    .option('--exit-code <code>', 'exit with this code instead of 1 when the policy fails; without --fail-on, fail when anything is reported (after --severity)')
    .option('--pkg-types <list>', `which packages to list and match (${PKG_TYPES.join(', ')})`)
    .option('--list-all-pkgs', 'list every package in the table, not only the vulnerable ones')
    .option('--server <url>', 'match on a Plimsoll server instead of the local database: only the SBOM (package metadata, layer digests) is sent, never files or secrets')
    .option('--token <token>', 'API token for --server, with the submit scope (or PLIMSOLL_SERVER_TOKEN)');
  return addImageOptions(command).action(async (ref: string | undefined, opts: ImageOptions) => {
    const code = exitCode(opts);
    const options = scanOptions(opts, code);
    const { image, report, scan } = await loadScan(ref, opts, options);
    const format = opts.format;
    const vulnerabilities = report.vulnerabilities ?? [];
    let text: string;
    if (format === 'json') text = `${JSON.stringify(report, null, 2)}\n`;
    else if (format === 'html') text = renderHtmlReport(report);
    else if (format === 'sarif') text = `${JSON.stringify(toSarif({ vulnerabilities, findings: report.findings, artifactRef: image.ref }), null, 2)}\n`;
    else if (format === 'cyclonedx') {
      const suppressed = scan.policy?.suppressed ?? [];
      text = `${JSON.stringify(toCycloneDxWithVulnerabilities(toInventory(image, scan.inventory), vulnerabilities, { suppressed, suppressedFindings: scan.match?.vulnerabilities ?? [] }), null, 2)}\n`;
    } else {
      const terminal = process.stdout.isTTY === true && !opts.output;
      // A pipe has no width of its own; COLUMNS, as shells and `less` users set it, gives one.
      const width = opts.output ? undefined : (terminal ? process.stdout.columns : undefined) ?? (Number(process.env.COLUMNS) || undefined);
      text = renderReportTable(report, { color: terminal && !process.env.NO_COLOR, ...(width ? { width } : {}), listPackages: opts.listAllPkgs === true });
    }
    await writeOutput(text, opts.output);
    for (const warning of scan.policy?.warnings ?? []) process.stderr.write(`plimsoll: warning: ${warning}\n`);
    if (scan.policy?.failed) {
      process.stderr.write(failureSummary(scan.policy.failures, code !== undefined && !(opts.failOn || opts.failOnEpss)));
      process.exitCode = code ?? 1;
    }
  });
}

/** Which findings failed the gate, on stderr, so a red CI job says why. */
function failureSummary(failures: readonly PolicyFailure[], byExitCode: boolean): string {
  const shown = failures.slice(0, 5).map((f) => `${f.id} (${f.subject}: ${f.reason})`);
  const more = failures.length > shown.length ? `, and ${failures.length - shown.length} more` : '';
  const gate = byExitCode ? 'were reported (--exit-code without --fail-on)' : 'met --fail-on';
  return `plimsoll: policy failed: ${failures.length} finding${failures.length === 1 ? '' : 's'} ${gate}: ${shown.join('; ')}${more}\n`;
}
