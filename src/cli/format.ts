import { Option } from 'commander';
import { reportersFor } from '../report/registry.js';
import type { FormatCommand } from '../report/reporter.js';

/** `--format`, its choices and help from the reporter registry. */
export function formatOption(command: FormatCommand, fallback: string): Option {
  const reporters = reportersFor(command);
  const help = `output format: ${reporters.map((r) => `${r.name} (${r.description})`).join(', ')}`;
  return new Option('-f, --format <format>', help).choices(reporters.map((r) => r.name)).default(fallback);
}
