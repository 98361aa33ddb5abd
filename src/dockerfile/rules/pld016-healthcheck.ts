import type { DockerfileRule } from '../rule.js';

export const healthcheck: DockerfileRule = {
  id: 'PLD016',
  title: 'No HEALTHCHECK in the final stage',
  severity: 'LOW',
  rationale:
    'Without a HEALTHCHECK the runtime only knows whether the main process exists, not whether it still serves: a deadlocked or wedged service looks ' +
    'healthy and is never restarted or taken out of rotation. (Orchestrators with their own probes, such as Kubernetes, ignore it; say so with `HEALTHCHECK NONE`.)',
  fix: 'Add e.g. `HEALTHCHECK --interval=30s --timeout=3s CMD ["/app/healthcheck"]`, or `HEALTHCHECK NONE` to state that probes live elsewhere.',
  check(context) {
    const final = context.finalStage;
    if (!final) return [];
    const has = context.shippedStages.some((s) => s.instructions.some((i) => i.keyword === 'HEALTHCHECK'));
    return has ? [] : [{ line: final.from.line }];
  },
};
