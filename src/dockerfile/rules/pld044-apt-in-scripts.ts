import type { DockerfileRule } from '../rule.js';

export const aptInScripts: DockerfileRule = {
  id: 'PLD044',
  title: '`apt` used instead of `apt-get`',
  severity: 'LOW',
  rationale:
    '`apt` is the interactive front end: its output and options are not promised to stay stable, and it warns so itself when run without a terminal. ' +
    'Scripts, Dockerfiles included, should call `apt-get` and `apt-cache`, whose interface is stable.',
  fix: 'Replace `apt install` / `apt update` with `apt-get install` / `apt-get update` (and `apt search` with `apt-cache search`).',
  check(context) {
    return context.commands((c) => (c.name === 'apt' ? c : null)).map(({ instruction }) => ({ line: instruction.line }));
  },
};
