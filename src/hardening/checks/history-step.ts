// Checks that flag a build step of one instruction whose arguments match a pattern (ADD of a URL,
// `curl | sh`, sudo): one finding per step, on the layer that step made.
import type { Severity } from '../../model/finding.js';
import type { Check } from '../check.js';

export interface HistoryStepRule {
  id: string;
  instruction: 'RUN' | 'ADD';
  pattern: RegExp;
  severity: Severity;
  title: string;
  remediation: string;
  /** What the finding quotes of the step (at most 200 characters are kept). */
  evidence(args: string): string;
}

export function historyStepCheck(rule: HistoryStepRule): Check {
  return {
    id: rule.id,
    group: 'config',
    run(ctx) {
      return ctx.history
        .filter((s) => s.instruction === rule.instruction && rule.pattern.test(s.args))
        .map((s) => ({
          id: rule.id,
          kind: 'config' as const,
          severity: rule.severity,
          title: rule.title,
          evidence: rule.evidence(s.args).slice(0, 200),
          historyIndex: s.index,
          ...(s.layer ? { layer: s.layer } : {}),
          remediation: rule.remediation,
        }));
    },
  };
}
