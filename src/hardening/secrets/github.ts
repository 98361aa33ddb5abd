// GitHub: classic tokens (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained personal access tokens.
import { ROTATE, matchGroup, type SecretRule } from './rule.js';

export const githubRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-GITHUB-TOKEN',
    title: 'GitHub token',
    severity: 'CRITICAL',
    remediation: `${ROTATE} Revoke it under GitHub settings → Developer settings.`,
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    find: (text) => [
      ...matchGroup(text, /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g),
      ...matchGroup(text, /(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g),
    ],
  },
];
