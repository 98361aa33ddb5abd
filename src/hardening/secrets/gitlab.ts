// GitLab: personal/project access tokens, deploy tokens, runner tokens.
import { ROTATE, matchGroup, type SecretRule } from './rule.js';

export const gitlabRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-GITLAB-TOKEN',
    title: 'GitLab token',
    severity: 'CRITICAL',
    remediation: `${ROTATE} Revoke it in GitLab (user or project access tokens, deploy tokens, runners).`,
    keywords: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'GR1348941'],
    find: (text) => matchGroup(text, /(?<![A-Za-z0-9_-])((?:glpat|gldt|glrt|glptt)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g),
  },
];
