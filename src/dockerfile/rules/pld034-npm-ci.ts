import { hasOption, npmCall } from '../commands.js';
import { NPM_INSTALL } from '../npm.js';
import type { DockerfileRule } from '../rule.js';

export const npmCi: DockerfileRule = {
  id: 'PLD034',
  title: "`npm install` used to install the project's dependencies",
  severity: 'LOW',
  rationale:
    'A bare `npm install` may resolve new versions within the ranges of package.json and rewrite package-lock.json, so the image does not necessarily ' +
    'contain what was tested. `npm ci` installs exactly the lock file, fails when it disagrees with package.json, and starts from a clean node_modules.',
  fix: 'Copy package.json and package-lock.json, then `RUN npm ci --omit=dev` (and `npm cache clean --force`).',
  check(context) {
    return context
      .commands((c) => npmCall(c))
      .filter(({ value }) => NPM_INSTALL.has(value.sub) && value.operands.length === 0 && !hasOption(value.args, 'g', '--global'))
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
