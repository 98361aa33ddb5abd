import { hasOption, pipCall } from '../commands.js';
import { cacheMounted, removesPath } from '../cleanup.js';
import type { DockerfileRule } from '../rule.js';

export const pipNoCacheDir: DockerfileRule = {
  id: 'PLD032',
  title: 'pip install without --no-cache-dir',
  severity: 'LOW',
  rationale:
    'pip keeps every downloaded wheel and source archive in ~/.cache/pip. In an image that cache is dead weight, often larger than the packages ' +
    'themselves, and it stays in the layer that wrote it.',
  fix: 'Add `--no-cache-dir` to `pip install`, set `ENV PIP_NO_CACHE_DIR=1`, or use `RUN --mount=type=cache,target=/root/.cache/pip`.',
  check(context) {
    const stages = context.shippedStages;
    const envDisables = stages.some((s) => s.instructions.some((i) => i.keyword === 'ENV' && i.properties.some((p) => p.name === 'PIP_NO_CACHE_DIR')));
    if (envDisables) return [];
    return context
      .runs(stages)
      .filter(
        ({ instruction, script }) =>
          script.commands.some((c) => {
            const call = pipCall(c);
            return call?.sub === 'install' && !hasOption(call.args, null, '--no-cache-dir');
          }) &&
          !removesPath(script, '/root/.cache', '/root/.cache/pip', '~/.cache', '$HOME/.cache') &&
          !script.commands.some((c) => pipCall(c)?.sub === 'cache') &&
          !cacheMounted(instruction, '/root/.cache/pip'),
      )
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
