import { aptCall, hasOption, isAptInstall } from '../commands.js';
import type { DockerfileRule } from '../rule.js';

/** `-qq` (quiet level 2) implies `--assume-yes` in apt-get. */
function assumesYes(args: string[]): boolean {
  return hasOption(args, 'y', '--yes', '--assume-yes') || args.some((a) => /^-q*qq$/.test(a) || a === '-q=2' || a === '--quiet=2');
}

export const aptGetYes: DockerfileRule = {
  id: 'PLD004',
  title: 'apt-get install without -y',
  severity: 'MEDIUM',
  rationale:
    'A build has no terminal to answer apt\'s "Do you want to continue?" prompt. Without `-y` apt-get aborts as soon as it needs confirmation, ' +
    'which depends on the packages and the base image of the day, so the build breaks without any change to the Dockerfile.',
  fix: 'Pass `-y` (or `--yes`): `apt-get install -y --no-install-recommends PKG`.',
  check(context) {
    return context
      .commands((c) => aptCall(c))
      .filter(({ value }) => isAptInstall(value) && !assumesYes(value.args))
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
