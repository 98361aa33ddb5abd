import { pipCall } from '../commands.js';
import type { DockerfileRule } from '../rule.js';
import { unpinnedDetail } from '../unpinned.js';

/** A requirement names a version when it has `==`, `===`, `~=`, an upper bound or a direct `@ URL`. */
function isPinned(requirement: string): boolean {
  return /===?|~=|<|@/.test(requirement);
}

/** Local paths, archives and URLs are not index packages. */
function isPackageName(word: string): boolean {
  return !/^[./~]/.test(word) && !word.includes('/') && !/\.(whl|zip|tar\.gz|tgz)$/.test(word);
}

export const pipVersionsPinned: DockerfileRule = {
  id: 'PLD011',
  title: 'pip packages installed without a version',
  severity: 'LOW',
  rationale:
    '`pip install NAME` takes the newest release on the day of the build, and with it every new release of its dependencies: a rebuild can break ' +
    'the application or pull in a compromised release, and the Dockerfile no longer says what the image runs.',
  fix: 'Pin versions, `pip install NAME==1.2.3`, or install from a locked file: `pip install --no-cache-dir -r requirements.txt` (with hashes: `--require-hashes`).',
  check(context) {
    return context
      .commands((c) => {
        const call = pipCall(c);
        return call?.sub === 'install' ? call.operands.filter((p) => isPackageName(p) && !isPinned(p)) : null;
      })
      .flatMap(({ instruction, value }) => unpinnedDetail(instruction.line, value));
  },
};
