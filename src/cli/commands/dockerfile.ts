import { Option } from 'commander';
import { Command } from '../env.js';
import { DOCKERFILE_RULES } from '../../dockerfile/index.js';
import { lintTarget } from '../dockerfiles.js';
import { renderFindingsTable } from '../../report/findings-table.js';
import { toSarif } from '../../report/sarif.js';
import { findingFailures } from '../../policy/fail-on.js';
import { parseSeverity } from '../../model/severity.js';
import { writeOutput } from '../output.js';

interface DockerfileOptions {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  only?: string;
  skip?: string;
  failOn?: string;
  listRules?: boolean;
}

const list = (text: string | undefined): string[] | undefined => text?.split(',').map((s) => s.trim()).filter(Boolean);

export function dockerfileCommand(): Command {
  return new Command('dockerfile')
    .description('lint a Dockerfile (rules PLD001...; suppress one with "# plimsoll ignore=PLD003" above the instruction)')
    .argument('[path]', 'the Dockerfile, a directory (every Dockerfile in it, recursively), or - for standard input', 'Dockerfile')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .option('--only <ids>', 'run only these rules (comma-separated)')
    .option('--skip <ids>', 'do not run these rules (comma-separated)')
    .option('--fail-on <severity>', 'exit 1 when a finding at or above this severity remains')
    .option('--list-rules', 'list the rules with their rationale and fix')
    .action(async (path: string, opts: DockerfileOptions) => {
      if (opts.listRules) {
        const rules = DOCKERFILE_RULES.map(({ id, title, severity, rationale, fix }) => ({ id, title, severity, rationale, fix }));
        await writeOutput(opts.format === 'json' ? `${JSON.stringify(rules, null, 2)}\n` : rules.map((r) => `${r.id}  ${r.severity.padEnd(8)}  ${r.title}\n    ${r.rationale}\n    Fix: ${r.fix}\n`).join('\n'), opts.output);
        return;
      }
      const threshold = opts.failOn ? parseSeverity(opts.failOn, '--fail-on') : undefined;
      const findings = await lintTarget(path, { ...(opts.only ? { only: list(opts.only) } : {}), ...(opts.skip ? { skip: list(opts.skip) } : {}) });
      const text =
        opts.format === 'json'
          ? `${JSON.stringify({ schemaVersion: 1, findings }, null, 2)}\n`
          : opts.format === 'sarif'
            ? `${JSON.stringify(toSarif({ vulnerabilities: [], findings, artifactRef: path }), null, 2)}\n`
            : renderFindingsTable(findings);
      await writeOutput(text, opts.output);
      if (findingFailures(findings, threshold).length > 0) process.exitCode = 1;
    });
}
