import type { DockerfileRule } from '../rule.js';

export const cdInsteadOfWorkdir: DockerfileRule = {
  id: 'PLD018',
  title: 'RUN starts with `cd` instead of using WORKDIR',
  severity: 'LOW',
  rationale:
    'A `cd` lasts only for its own RUN, so `RUN cd /app` alone does nothing and every later instruction still runs in the old directory; ' +
    'RUNs that each begin with `cd dir &&` repeat the path and break when it changes. WORKDIR sets the directory for everything after it. ' +
    '(A `cd` into a temporary build directory in the middle of a script is fine and not reported.)',
  fix: 'Set `WORKDIR /app` once and drop the leading `cd /app &&` from the RUNs.',
  check(context) {
    return context
      .runs()
      .filter(({ script }) => script.commands[0]?.name === 'cd')
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
