// Secrets are recognised by the hardening secret engine, the same rules that scan files, layers and image configs.
import { maskedEvidence } from '../../hardening/mask.js';
import { scanText } from '../../hardening/secrets/index.js';
import { isFilePathValue, isPlaceholderValue, isSensitiveKey } from '../../hardening/secrets/keys.js';
import type { DockerfileRule, RuleHit } from '../rule.js';

export const secretsInEnvArg: DockerfileRule = {
  id: 'PLD020',
  title: 'Secret in ENV or ARG',
  severity: 'HIGH',
  rationale:
    'ENV values are stored in the image configuration and ARG values in the build history of every RUN that sees them; `docker history` and ' +
    '`docker inspect` show them to anyone who can pull the image, forever, even if a later instruction unsets them.',
  fix: 'Pass secrets at build time with `RUN --mount=type=secret,id=NAME` and at run time through the orchestrator (files or environment injected at start); point the image at them with `NAME_FILE=/run/secrets/NAME`.',
  check({ dockerfile }) {
    const hits: RuleHit[] = [];
    for (const i of dockerfile.instructions.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
      for (const { name, value } of i.properties) {
        const match = value ? scanText(value)[0] : undefined;
        if (match)
          hits.push({ line: i.line, detail: `${name}: value looks like a credential (${match.rule.title})`, evidence: maskedEvidence(match.secret, name) });
        // An ENV needs a real value to leak; an ARG leaks whatever the build passes in.
        else if (isSensitiveKey(name) && (i.keyword === 'ARG' || (value !== null && !isPlaceholderValue(value) && !isFilePathValue(value)))) {
          hits.push({ line: i.line, detail: `${i.keyword} ${name}`, ...(value ? { evidence: maskedEvidence(value, name) } : {}) });
        }
      }
    }
    return hits;
  },
};
