import type { DockerfileRule } from '../rule.js';

export const noSudo: DockerfileRule = {
  id: 'PLD015',
  title: 'sudo used in RUN',
  severity: 'MEDIUM',
  rationale:
    'A Dockerfile can switch users with USER, so sudo is never needed at build time. Its presence means sudo and a sudoers policy ship in the image, ' +
    'which gives anyone who gets a shell as the application user an easy path to root; its TTY and PAM handling also behaves unpredictably in builds.',
  fix: 'Run the privileged steps under `USER root`, then switch back with `USER app`; for run-time privilege drops use `gosu` or `su-exec` in the entrypoint.',
  onHistory: true,
  check(context) {
    return context
      .commands((c) => (c.rawWords.slice(0, c.rawWords.length - c.words.length).includes('sudo') ? c : null))
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
