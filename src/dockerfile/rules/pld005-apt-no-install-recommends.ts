import { aptCall, isAptInstall } from '../commands.js';
import type { DockerfileRule } from '../rule.js';

function skipsRecommends(args: string[]): boolean {
  return args.includes('--no-install-recommends') || args.some((a) => /APT::Install-Recommends=("?)(false|0|no)\1$/i.test(a));
}

export const aptNoInstallRecommends: DockerfileRule = {
  id: 'PLD005',
  title: 'apt-get install without --no-install-recommends',
  severity: 'LOW',
  rationale:
    'By default apt also installs every "recommended" package, which routinely adds tens of megabytes and extra programs the application never uses. ' +
    'Each is more to download, more to scan and more code an attacker can use, and each brings its own vulnerabilities to patch.',
  fix: 'Add `--no-install-recommends` to `apt-get install` and list the packages the application really needs.',
  check(context) {
    return context
      .commands((c) => aptCall(c))
      .filter(({ value }) => isAptInstall(value) && !skipsRecommends(value.args))
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
