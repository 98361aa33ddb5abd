import { INSTRUCTIONS } from '../instructions.js';
import type { DockerfileRule } from '../rule.js';

export const unknownInstruction: DockerfileRule = {
  id: 'PLD042',
  title: 'Unknown instruction',
  severity: 'HIGH',
  rationale:
    'Docker stops the build at a line that does not begin with a known instruction. Such lines usually come from a broken line continuation ' +
    '(a missing `\\` at the end of the previous line), a typo, or a file that is not a Dockerfile at all.',
  fix: 'Fix the keyword or the continuation of the line before; instructions are FROM, RUN, CMD, LABEL, EXPOSE, ENV, ADD, COPY, ENTRYPOINT, VOLUME, USER, WORKDIR, ARG, ONBUILD, STOPSIGNAL, HEALTHCHECK, SHELL.',
  check({ dockerfile }) {
    return dockerfile.instructions.filter((i) => !INSTRUCTIONS.has(i.keyword)).map((i) => ({ line: i.line, detail: i.keyword.slice(0, 40) }));
  },
};
