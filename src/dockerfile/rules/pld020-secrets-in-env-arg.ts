import type { DockerfileRule, RuleHit } from '../rule.js';

/** Names that say "secret"; PWD (the working directory) and public keys or fingerprints do not. */
const SECRET_NAME = /(passw(or)?d|secret|token|api_?key|access_?key|private_?key|credential|auth_?key|client_?key|_pass$|^pass$)/i;
/** Names that hold where a secret is, not the secret (the recommended `*_FILE` convention). */
const REFERENCE_NAME = /(_FILE|_PATH|_DIR|_URL|_NAME|_USER|_ID|PUBLIC|_ENV)$|PUBLIC/i;

/** Value shapes of well-known credentials, whatever the variable is called. */
const SECRET_VALUES: [string, RegExp][] = [
  ['AWS access key', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['GitHub token', /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/],
  ['GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/],
  ['Stripe key', /\b[sr]k_live_[A-Za-z0-9]{20,}\b/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['PyPI token', /\bpypi-AgE[A-Za-z0-9_-]{50,}/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

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
        const shape = SECRET_VALUES.find(([, re]) => re.test(value ?? ''));
        if (shape) hits.push({ line: i.line, detail: `${name}: value looks like a credential (${shape[0]})` });
        // An ENV needs a value to leak; an ARG leaks whatever the build passes in.
        else if (SECRET_NAME.test(name) && !REFERENCE_NAME.test(name) && (i.keyword === 'ARG' || (value !== null && value !== ''))) {
          hits.push({ line: i.line, detail: `${i.keyword} ${name}` });
        }
      }
    }
    return hits;
  },
};
