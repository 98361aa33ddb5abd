import { shellFormHits } from '../exec-form.js';
import type { DockerfileRule } from '../rule.js';

export const cmdExecForm: DockerfileRule = {
  id: 'PLD021',
  title: 'CMD in shell form',
  severity: 'LOW',
  rationale:
    'The shell form `CMD app --flag` runs `/bin/sh -c "app --flag"`: the shell becomes PID 1, does not forward SIGTERM, so `docker stop` waits ' +
    'for its timeout and kills the application without a clean shutdown; it also needs a shell in the image. A bracketed list with single quotes ' +
    'is not JSON and silently falls back to the shell form.',
  fix: 'Use the exec form with double quotes: `CMD ["app", "--flag"]`.',
  check: (context) => shellFormHits(context, 'CMD'),
};
