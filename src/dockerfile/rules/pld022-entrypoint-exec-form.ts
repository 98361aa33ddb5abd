import { shellFormHits } from '../exec-form.js';
import type { DockerfileRule } from '../rule.js';

export const entrypointExecForm: DockerfileRule = {
  id: 'PLD022',
  title: 'ENTRYPOINT in shell form',
  severity: 'MEDIUM',
  rationale:
    'A shell-form ENTRYPOINT runs under `/bin/sh -c`, which ignores CMD and `docker run` arguments entirely and, as PID 1, does not pass signals ' +
    'on: the container cannot be stopped gracefully. A bracketed list with single quotes is not JSON and silently falls back to the shell form.',
  fix: 'Use the exec form: `ENTRYPOINT ["/usr/local/bin/app"]`; if a shell script must run first, end it with `exec "$@"`.',
  check: (context) => shellFormHits(context, 'ENTRYPOINT'),
};
