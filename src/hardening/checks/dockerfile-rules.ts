// The Dockerfile rules that apply to history (`onHistory`), run over the image's history read back as a
// Dockerfile, each finding placed on the step and layer that made it (Trivy's imgconf does the same).
import { lintDockerfile } from '../../dockerfile/lint.js';
import type { Check, CheckFinding } from '../check.js';
import { historyAsDockerfile } from '../history.js';

export const dockerfileRulesCheck: Check = {
  /** Its findings carry the Dockerfile rules' own ids (PLD015, PLD025...). */
  id: 'PLD',
  group: 'config',
  run(ctx) {
    const dockerfile = historyAsDockerfile(ctx.history);
    return lintDockerfile(dockerfile.text, { history: true }).flatMap((f): CheckFinding[] => {
      const step = f.line !== undefined ? dockerfile.stepAt(f.line) : undefined;
      if (!step) return [];
      const { line: _line, ...rest } = f;
      const evidence = `${step.instruction} ${step.args}`.slice(0, 200);
      return [{ ...rest, kind: 'config', evidence, historyIndex: step.index, ...(step.layer ? { layer: step.layer } : {}) }];
    });
  },
};
