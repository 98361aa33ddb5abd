// Secrets visible in the image config: ENV values, labels, and build args or ARG/ENV lines kept in the history.
import type { Check, CheckFinding } from '../check.js';
import { maskedEvidence } from '../mask.js';
import { isExampleValue } from '../secrets/examples.js';
import { scanText } from '../secrets/index.js';
import { isFilePathValue, isPlaceholderValue, isSensitiveKey } from '../secrets/keys.js';

const REMEDIATION =
  'Do not bake secrets into ENV, LABEL or ARG: they are readable by anyone with the image (`docker history`, `inspect`). Rotate the credential and pass it at run time or with `RUN --mount=type=secret`.';

/** `KEY=value` pairs in ENV/ARG arguments (`ENV A=1 B=2`, legacy `ENV A 1`). */
function assignments(args: string, legacySpace: boolean): [string, string][] {
  const pairs = [...args.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)].map(
    (m) => [m[1] as string, (m[2] as string).replace(/^["']|["']$/g, '')] as [string, string],
  );
  if (pairs.length === 0 && legacySpace) {
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*)\s+(.+)$/.exec(args.trim());
    if (m) return [[m[1] as string, m[2] as string]];
  }
  return pairs;
}

export const configSecretsCheck: Check = {
  id: 'PLM-CONFIG-SECRET',
  group: 'secret',
  run(ctx) {
    const out: CheckFinding[] = [];
    /** Secret values already reported: the same value in ENV, its history line and a build arg is one finding. */
    const seen = new Set<string>();
    const report = (where: string, key: string, value: string, historyIndex?: number): void => {
      const byRule = scanText(value)[0];
      const byName = isSensitiveKey(key) && !isPlaceholderValue(value) && !isFilePathValue(value) && !isExampleValue(value);
      const secret = byRule?.secret ?? value;
      if ((!byRule && !byName) || seen.has(secret)) return;
      seen.add(secret);
      out.push({
        id: this.id,
        kind: 'secret',
        severity: byRule?.severity ?? byRule?.rule.severity ?? 'HIGH',
        title: `${byRule ? byRule.rule.title : 'Secret'} in ${where} ${key}`,
        evidence: maskedEvidence(secret, key),
        ...(historyIndex !== undefined ? { historyIndex } : {}),
        redact: [secret],
        remediation: REMEDIATION,
      });
    };
    const config = ctx.image.config.config ?? {};
    const envStep = (key: string): number | undefined =>
      ctx.history.findLast((s) => s.instruction === 'ENV' && assignments(s.args, true).some(([k]) => k === key))?.index;
    for (const entry of config.Env ?? []) {
      const eq = entry.indexOf('=');
      if (eq > 0) report('ENV', entry.slice(0, eq), entry.slice(eq + 1), envStep(entry.slice(0, eq)));
    }
    for (const [key, value] of Object.entries(config.Labels ?? {})) report('LABEL', key, value);
    for (const step of ctx.history) {
      for (const [key, value] of step.buildArgs) report('build arg', key, value, step.index);
      if (step.instruction === 'ARG' || step.instruction === 'ENV') {
        for (const [key, value] of assignments(step.args, step.instruction === 'ENV')) report(step.instruction, key, value, step.index);
      }
      // Provider tokens typed into a command line (`curl -H "Authorization: token ghp_..."`).
      for (const match of scanText(step.createdBy)) {
        if (seen.has(match.secret)) continue;
        seen.add(match.secret);
        out.push({
          id: this.id,
          kind: 'secret',
          severity: match.severity ?? match.rule.severity,
          title: `${match.rule.title} in a build command`,
          evidence: maskedEvidence(match.secret, match.key),
          historyIndex: step.index,
          redact: [match.secret],
          remediation: REMEDIATION,
        });
      }
    }
    return out;
  },
};
