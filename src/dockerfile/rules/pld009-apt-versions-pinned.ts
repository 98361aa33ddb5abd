import { aptCall, isAptInstall } from '../commands.js';
import type { DockerfileRule } from '../rule.js';
import { unpinnedDetail } from '../unpinned.js';

export const aptVersionsPinned: DockerfileRule = {
  id: 'PLD009',
  title: 'apt packages installed without a version',
  severity: 'LOW',
  rationale:
    'Without versions, what `apt-get install` brings depends on the day of the build: two builds of the same commit can differ, ' +
    'a rebuild can silently pick up a changed or broken package, and a review of the Dockerfile says nothing about what is inside the image.',
  fix: 'Pin each package to the version you tested, `apt-get install -y PKG=VERSION`, and bump the pins deliberately (e.g. with Renovate).',
  check(context) {
    return context
      .commands((c) => {
        const call = aptCall(c);
        return isAptInstall(call) ? call.operands.filter((p) => !p.includes('=') && !p.endsWith('.deb') && !p.includes('/')) : null;
      })
      .flatMap(({ instruction, value }) => unpinnedDetail(instruction.line, value));
  },
};
