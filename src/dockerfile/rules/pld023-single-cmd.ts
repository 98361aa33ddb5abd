import { overriddenHits } from '../exec-form.js';
import type { DockerfileRule } from '../rule.js';

export const singleCmd: DockerfileRule = {
  id: 'PLD023',
  title: 'More than one CMD in a stage',
  severity: 'MEDIUM',
  rationale:
    'Only the last CMD of a stage takes effect; the earlier ones are dead text that suggests the container runs something it does not. ' +
    'This is usually a leftover, or a misunderstanding that CMD runs commands at build time (that is RUN).',
  fix: 'Keep one CMD per stage; use RUN for build steps and a script or ENTRYPOINT to start several things.',
  check: (context) => overriddenHits(context, 'CMD'),
};
