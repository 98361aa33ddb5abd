import { copyOperands } from '../copy-sources.js';
import type { DockerfileRule } from '../rule.js';

export const copyDestinationDirectory: DockerfileRule = {
  id: 'PLD045',
  title: 'COPY/ADD of several sources to a destination without a trailing /',
  severity: 'MEDIUM',
  rationale:
    'With more than one source the destination must be a directory, and Docker requires it to end with `/`; without it the build fails, ' +
    'or readers assume a single file is being renamed.',
  fix: 'End the destination with a slash: `COPY a.txt b.txt /app/`.',
  check({ dockerfile }) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
      .filter((i) => {
        const { sources, destination } = copyOperands(i);
        return sources.length > 1 && destination !== null && !/[/\\]$/.test(destination) && !destination.includes('$');
      })
      .map((i) => ({ line: i.line }));
  },
};
