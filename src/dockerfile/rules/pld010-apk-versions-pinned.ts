import { apkCall } from '../commands.js';
import type { DockerfileRule } from '../rule.js';
import { unpinnedDetail } from '../unpinned.js';

export const apkVersionsPinned: DockerfileRule = {
  id: 'PLD010',
  title: 'apk packages installed without a version',
  severity: 'LOW',
  rationale:
    'Without a version constraint `apk add` installs whatever the repository holds on the day of the build, so rebuilds of the same Dockerfile ' +
    'drift apart and a reviewer cannot tell from the Dockerfile what the image contains.',
  fix: 'Constrain each package, `apk add --no-cache PKG=1.2.3-r0` or at least `PKG~1.2`, and bump the constraints deliberately.',
  check(context) {
    return context
      .commands((c) => {
        const call = apkCall(c);
        return call?.sub === 'add' ? call.operands.filter((p) => !/[=<>~]/.test(p) && !p.endsWith('.apk') && !p.includes('/')) : null;
      })
      .flatMap(({ instruction, value }) => unpinnedDetail(instruction.line, value));
  },
};
