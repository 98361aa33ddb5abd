import { copyOperands } from '../copy-sources.js';
import type { DockerfileRule } from '../rule.js';

/**
 * Files that hold credentials by convention. A bare `*.key` is left out: it is as often a public
 * signing key (e.g. a release-verification key) as a private one.
 */
const CREDENTIAL_FILE =
  /^(id_(rsa|dsa|ecdsa|ed25519)|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.env|\.dockercfg|credentials|.*private.*\.(key|pem)|(tls|server|client)\.key|.*\.(p12|pfx|jks|keystore))$/i;

export const credentialFileCopied: DockerfileRule = {
  id: 'PLD047',
  title: 'Credential file copied into the image',
  severity: 'HIGH',
  rationale:
    'SSH keys, .npmrc/.pypirc tokens, .netrc, .env files and key stores copied into a layer are readable by anyone who can pull the image, ' +
    'and deleting them in a later instruction does not remove them from the earlier layer.',
  fix: 'Use build secrets (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`) or SSH forwarding (`RUN --mount=type=ssh`), and list such files in .dockerignore.',
  check({ dockerfile }) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
      .flatMap((i) =>
        copyOperands(i)
          .sources.filter((s) => CREDENTIAL_FILE.test(s.replace(/\/+$/, '').split('/').pop() ?? ''))
          .map((s) => ({ line: i.line, detail: s })),
      );
  },
};
