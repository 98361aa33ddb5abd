import { Command } from '../env.js';
import { formatOption } from '../format.js';

export interface DockerfileOptions {
  format: string;
  output?: string;
  only?: string;
  skip?: string;
  failOn?: string;
  listRules?: boolean;
}

export function dockerfileCommand(): Command {
  return new Command('dockerfile')
    .description('lint a Dockerfile (rules PLD001...; suppress one with "# plimsoll ignore=PLD003" above the instruction)')
    .argument('[path]', 'the Dockerfile, a directory (every Dockerfile in it, recursively), or - for standard input', 'Dockerfile')
    .addOption(formatOption('dockerfile', 'table'))
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .option('--only <ids>', 'run only these rules (comma-separated)')
    .option('--skip <ids>', 'do not run these rules (comma-separated)')
    .option('--fail-on <severity>', 'exit 1 when a finding at or above this severity remains')
    .option('--list-rules', 'list the rules with their rationale and fix')
    .action(async (path: string, opts: DockerfileOptions) => (await import('../actions/dockerfile.js')).runDockerfile(path, opts));
}
