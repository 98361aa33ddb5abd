import { aptCall } from '../commands.js';
import { cacheMounted, removesPath } from '../cleanup.js';
import type { DockerfileRule } from '../rule.js';

export const aptListsRemoved: DockerfileRule = {
  id: 'PLD006',
  title: 'apt lists not removed in the RUN that downloads them',
  severity: 'LOW',
  rationale:
    '`apt-get update` writes the package indexes to /var/lib/apt/lists (often 20–50 MB). They are useless at run time, and once a layer holds them ' +
    'a later `rm` only hides them: the bytes still ship in the image. Removing them in the same RUN keeps them out of every layer.',
  fix: 'End the same RUN with `&& rm -rf /var/lib/apt/lists/*`, or use a cache mount: `RUN --mount=type=cache,target=/var/lib/apt/lists …`.',
  check(context) {
    return context
      .runs(context.shippedStages)
      .filter(
        ({ instruction, script }) =>
          script.commands.some((c) => aptCall(c)?.sub === 'update') &&
          !removesPath(script, '/var/lib/apt/lists') &&
          !script.commands.some((c) => aptCall(c)?.sub === 'dist-clean') &&
          !cacheMounted(instruction, '/var/lib/apt'),
      )
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
