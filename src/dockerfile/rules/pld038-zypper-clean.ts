import { zypperCall } from '../commands.js';
import { cacheMounted, removesPath } from '../cleanup.js';
import type { DockerfileRule } from '../rule.js';

const DOWNLOADS = new Set(['install', 'in', 'update', 'up', 'dist-upgrade', 'dup', 'patch', 'refresh', 'ref']);

export const zypperClean: DockerfileRule = {
  id: 'PLD038',
  title: 'zypper cache not cleaned in the same RUN',
  severity: 'LOW',
  rationale:
    'zypper keeps repository metadata and packages under /var/cache/zypp. Left in the layer they add size to every copy of the image and serve no purpose at run time.',
  fix: 'End the RUN with `&& zypper clean --all`.',
  check(context) {
    return context
      .runs(context.shippedStages)
      .filter(({ instruction, script }) => {
        const calls = script.commands.map((c) => zypperCall(c)).filter((c) => c !== null);
        return (
          calls.some((c) => DOWNLOADS.has(c.sub)) &&
          !calls.some((c) => c.sub === 'clean' || c.sub === 'cc') &&
          !removesPath(script, '/var/cache/zypp') &&
          !cacheMounted(instruction, '/var/cache/zypp')
        );
      })
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
