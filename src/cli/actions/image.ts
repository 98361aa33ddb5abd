import { parseEpssThreshold, parseFailOn, parseSeverityList, readIgnoreFile, readVexFile, type PolicyFailure } from '../../policy/index.js';
import { toInventory } from '../../report/report.js';
import { reporter } from '../../report/registry.js';
import { parsePkgTypes, parseScanners, type ScanOptions } from '../../scan.js';
import { PlimsollError } from '../../errors.js';
import { dbSettings } from '../../config.js';
import { loadScan } from '../load-image.js';
import { writeOutput } from '../output.js';
import { serverMatcher } from '../../server/client.js';
import { dbMessages } from '../progress.js';
import { printWarnings } from '../warnings.js';
import type { ImageOptions } from '../commands/image.js';

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
  if (!/^\d+$/.test(opts.exitCode.trim()) || code > 255 || code === 2 || code === 3)
    throw new PlimsollError(`--exit-code: "${opts.exitCode}" is not an exit code for a failed policy (0, 1 or 4-255; 2 and 3 mean usage and internal errors)`);
  if (code === 0 && (opts.failOn || opts.failOnEpss)) throw new PlimsollError('--exit-code 0 never fails: it contradicts --fail-on and --fail-on-epss');
  return code;
}

function scanOptions(opts: ImageOptions, code: number | undefined): ScanOptions {
  const severities = opts.severity ? parseSeverityList(opts.severity) : undefined;
  const gate = opts.failOn || opts.failOnEpss;
  return {
    scanners: parseScanners(opts.scanners),
    ...(opts.pkgTypes ? { pkgTypes: parsePkgTypes(opts.pkgTypes) } : {}),
    db: { ...dbSettings(opts), offline: opts.offline === true, quiet: opts.quiet === true, messages: dbMessages(opts.quiet) },
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

/** `plimsoll image`: scan, render in the chosen format, then apply the gate's exit code. */
export async function runImage(ref: string | undefined, opts: ImageOptions): Promise<void> {
  const code = exitCode(opts);
  const options = scanOptions(opts, code);
  const { image, report, scan } = await loadScan(ref, opts, options);
  const terminal = process.stdout.isTTY === true && !opts.output;
  // A pipe has no width of its own; COLUMNS, as shells and `less` users set it, gives one.
  const width = opts.output ? undefined : ((terminal ? process.stdout.columns : undefined) ?? (Number(process.env.COLUMNS) || undefined));
  const vex = { suppressed: scan.policy?.suppressed ?? [], matched: scan.match?.vulnerabilities ?? [] };
  const text = await reporter(opts.format).render(
    { subject: 'image', report, inventory: toInventory(image, scan.inventory), vex },
    { color: terminal && !process.env.NO_COLOR, ...(width ? { width } : {}), listPackages: opts.listAllPkgs === true },
  );
  await writeOutput(text, opts.output);
  printWarnings(report.warnings, opts);
  if (scan.policy?.failed) {
    process.stderr.write(failureSummary(scan.policy.failures, code !== undefined && !(opts.failOn || opts.failOnEpss)));
    process.exitCode = code ?? 1;
  }
}

/** Which findings failed the gate, on stderr, so a red CI job says why. */
function failureSummary(failures: readonly PolicyFailure[], byExitCode: boolean): string {
  const shown = failures.slice(0, 5).map((f) => `${f.id} (${f.subject}: ${f.reason})`);
  const more = failures.length > shown.length ? `, and ${failures.length - shown.length} more` : '';
  const gate = byExitCode ? 'were reported (--exit-code without --fail-on)' : 'met --fail-on';
  return `plimsoll: policy failed: ${failures.length} finding${failures.length === 1 ? '' : 's'} ${gate}: ${shown.join('; ')}${more}\n`;
}
