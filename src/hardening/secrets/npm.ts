// npm: access tokens (npm_ followed by 36 base62 characters).
import { ROTATE, matchGroup, type SecretRule } from './rule.js';

export const npmRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-NPM-TOKEN',
    title: 'npm access token',
    severity: 'CRITICAL',
    remediation: `${ROTATE} Revoke it with \`npm token revoke\` and use a build secret for installs from private registries.`,
    keywords: ['npm_'],
    find: (text) => matchGroup(text, /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g),
  },
];
