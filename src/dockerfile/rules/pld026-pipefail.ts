import type { DockerfileRule } from '../rule.js';

export const pipefail: DockerfileRule = {
  id: 'PLD026',
  title: 'Piped RUN without `set -o pipefail`',
  severity: 'LOW',
  rationale:
    'A shell pipeline succeeds when its last command does, so in `RUN wget -O - URL | tar xz` a failed download still passes and the build goes on ' +
    'with a missing or partial file. `pipefail` makes the RUN fail when any command of the pipe fails.',
  fix: 'Put `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN (or begin the script with `set -o pipefail &&` where the shell supports it).',
  check(context) {
    return context
      .runs()
      .filter(({ instruction, script }) => {
        if (!script.pipelines.some((p) => p.length > 1)) return false;
        const shell = instruction.execForm ? [] : context.activeShell(instruction);
        return !shell.some((s) => s.includes('pipefail')) && !/pipefail/.test(instruction.args);
      })
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
