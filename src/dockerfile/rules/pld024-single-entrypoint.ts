import { overriddenHits } from '../exec-form.js';
import type { DockerfileRule } from '../rule.js';

export const singleEntrypoint: DockerfileRule = {
  id: 'PLD024',
  title: 'More than one ENTRYPOINT in a stage',
  severity: 'MEDIUM',
  rationale: 'Only the last ENTRYPOINT of a stage takes effect; the others are misleading leftovers that readers and reviewers take at face value.',
  fix: 'Keep a single ENTRYPOINT per stage (a wrapper script can run preparatory steps and then `exec` the application).',
  check: (context) => overriddenHits(context, 'ENTRYPOINT'),
};
