import { INSTRUCTIONS } from '../instructions.js';
import type { DockerfileRule } from '../rule.js';

export const fromFirst: DockerfileRule = {
  id: 'PLD043',
  title: 'No FROM, an empty FROM, or an instruction before the first FROM',
  severity: 'HIGH',
  rationale:
    'A Dockerfile must start its first stage with FROM; only ARG (and parser directives and comments) may come before it. ' +
    'Docker refuses anything else, so the file cannot build as written.',
  fix: 'Begin with `FROM image:tag` (declare build arguments used in FROM with ARG above it) and move other instructions below it.',
  check({ dockerfile }) {
    if (dockerfile.stages.length === 0) return [{ line: dockerfile.instructions[0]?.line ?? 1, detail: 'no FROM instruction' }];
    // Unknown keywords are PLD042's.
    const early = dockerfile.preamble
      .filter((i) => i.keyword !== 'ARG' && INSTRUCTIONS.has(i.keyword))
      .map((i) => ({ line: i.line, detail: `${i.keyword} before FROM` }));
    const empty = dockerfile.stages.filter((s) => s.image === '').map((s) => ({ line: s.from.line, detail: 'FROM without an image' }));
    return [...early, ...empty];
  },
};
