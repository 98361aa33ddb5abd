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
    // Builders without a Dockerfile (jib, ko, buildah config) set ports with no EXPOSE step: they still count.
    const port = (spec: string): string => spec.split('/')[0] as string;
    const recorded = new Set(dockerfile.text.split('\n').flatMap((l) => (l.startsWith('EXPOSE ') ? l.split(/\s+/).slice(1).map(port) : [])));
    const unrecorded = Object.keys(ctx.image.config.config?.ExposedPorts ?? {}).filter((spec) => !recorded.has(port(spec)));
    const text = unrecorded.length > 0 ? `${dockerfile.text}EXPOSE ${unrecorded.join(' ')}\n` : dockerfile.text;
    return lintDockerfile(text, { history: true }).map((f): CheckFinding => {
      const step = f.line !== undefined ? dockerfile.stepAt(f.line) : undefined;
      const { line, ...rest } = f;
      const evidence = step ? `${step.instruction} ${step.args}` : (text.split('\n')[(line ?? 1) - 1] ?? '');
      return {
        ...rest,
        kind: 'config',
        evidence: evidence.slice(0, 200),
        ...(step ? { historyIndex: step.index } : {}),
        ...(step?.layer ? { layer: step.layer } : {}),
      };
    });
  },
};
