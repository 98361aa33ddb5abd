// Every output format, in the order `--help` lists them. The renderers are imported when one is
// used, so building the CLI's help costs nothing: adding a format is one file in reporters/ and one
// line here.
import type { FormatCommand, Render, Reporter } from './reporter.js';

function lazy(name: string, description: string, commands: readonly FormatCommand[], mediaType: string, load: () => Promise<{ render: Render }>): Reporter {
  return { name, description, mediaType, commands, render: async (input, options) => (await load()).render(input, options) };
}

export const REPORTERS: readonly Reporter[] = [
  lazy('table', 'for the terminal', ['image', 'dockerfile'], 'text/plain', () => import('./reporters/table.js')),
  lazy('json', 'the full report', ['image', 'sbom', 'dockerfile'], 'application/json', () => import('./reporters/json.js')),
  lazy('sarif', 'SARIF 2.1.0, for code scanning', ['image', 'dockerfile'], 'application/sarif+json', () => import('./reporters/sarif.js')),
  lazy('cyclonedx', 'CycloneDX 1.6 SBOM, with VEX after a scan', ['image', 'sbom'], 'application/vnd.cyclonedx+json', () => import('./reporters/cyclonedx.js')),
  lazy('spdx', 'SPDX 2.3 SBOM', ['sbom'], 'application/spdx+json', () => import('./reporters/spdx.js')),
  lazy(
    'html',
    'one self-contained page (images, findings by priority, base image), offline',
    ['image', 'sbom'],
    'text/html',
    () => import('./reporters/html.js'),
  ),
];

/** The formats a command offers, in help order. */
export function reportersFor(command: FormatCommand): Reporter[] {
  return REPORTERS.filter((r) => r.commands.includes(command));
}

export function reporter(name: string): Reporter {
  const found = REPORTERS.find((r) => r.name === name);
  if (!found) throw new Error(`no reporter named "${name}"`);
  return found;
}
