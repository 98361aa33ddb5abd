import { operands } from './commands.js';
import type { ShellCommand } from './shell.js';

/** `npm install` and its aliases. */
export const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);

/** Package specs named on a `yarn add`, `yarn global add` or `pnpm add` command line, or null for other commands. */
export function yarnPnpmAdded(command: ShellCommand): string[] | null {
  if (command.name !== 'yarn' && command.name !== 'pnpm') return null;
  const words = operands(command.args);
  const rest = words[0] === 'global' ? words.slice(1) : words;
  return rest[0] === 'add' ? rest.slice(1) : null;
}

/** Whether a yarn command installs packages (`yarn`, `yarn install`, `yarn add`, `yarn global add`). */
export function isYarnInstall(command: ShellCommand): boolean {
  if (command.name !== 'yarn') return false;
  const first = operands(command.args)[0];
  if (first === undefined) return !command.args.some((a) => ['--version', '-v', '-V', '--help', '-h'].includes(a));
  return first === 'install' || first === 'add' || first === 'global';
}
