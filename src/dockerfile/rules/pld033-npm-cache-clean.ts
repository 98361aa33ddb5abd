import { npmCall } from '../commands.js';
import { cacheMounted, removesPath } from '../cleanup.js';
import { NPM_INSTALL, isYarnInstall } from '../npm.js';
import type { DockerfileRule } from '../rule.js';

export const npmCacheClean: DockerfileRule = {
  id: 'PLD033',
  title: 'npm or yarn cache left in the layer',
  severity: 'LOW',
  rationale:
    '`npm install`, `npm ci` and `yarn install` fill a download cache (~/.npm, the yarn cache folder) with a copy of every tarball they fetched. ' +
    'Nothing reads it at run time; left in the layer it can double the size of node_modules in the image.',
  fix: 'Finish the same RUN with `&& npm cache clean --force` (or `yarn cache clean`), or use `RUN --mount=type=cache,target=/root/.npm`.',
  check(context) {
    return context
      .runs(context.shippedStages)
      .filter(({ instruction, script }) => {
        const installs = script.commands.some((c) => {
          const call = npmCall(c);
          return (call !== null && (NPM_INSTALL.has(call.sub) || call.sub === 'ci')) || isYarnInstall(c);
        });
        const cleans = script.commands.some((c) => (c.name === 'npm' || c.name === 'yarn') && c.args[0] === 'cache' && c.args[1] === 'clean');
        return (
          installs &&
          !cleans &&
          !removesPath(script, '/root/.npm', '~/.npm', '$HOME/.npm', '/usr/local/share/.cache/yarn') &&
          !cacheMounted(instruction, '/root/.npm') &&
          !cacheMounted(instruction, '/usr/local/share/.cache/yarn')
        );
      })
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
