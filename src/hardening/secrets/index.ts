// Every secret rule, in priority order: when two rules match the same text, the earlier one reports it
// (a credential file's own key before a provider pattern, a service-account key before its PEM block).
import { awsRules } from './aws.js';
import { azureRules } from './azure.js';
import { credentialFileRules } from './credential-files.js';
import { gcpRules } from './gcp.js';
import { githubRules } from './github.js';
import { gitlabRules } from './gitlab.js';
import { jwtRules } from './jwt.js';
import { npmRules } from './npm.js';
import { privateKeyRules } from './private-key.js';
import { pypiRules } from './pypi.js';
import type { SecretMatch, SecretRule } from './rule.js';
import { slackRules } from './slack.js';
import { stripeRules } from './stripe.js';
import { isExampleValue } from './examples.js';

export const SECRET_RULES: readonly SecretRule[] = [
  ...credentialFileRules,
  ...gcpRules,
  ...awsRules,
  ...azureRules,
  ...githubRules,
  ...gitlabRules,
  ...slackRules,
  ...stripeRules,
  ...npmRules,
  ...pypiRules,
  ...privateKeyRules,
  ...jwtRules,
];

export interface RuleMatch extends SecretMatch {
  rule: SecretRule;
}

/**
 * Runs the rules over one text (a file body, an ENV value, a history line): keyword filter first,
 * then the regex; example values are dropped and a span already claimed by an earlier rule is not reported twice.
 */
export function scanText(text: string, path?: string, rules: readonly SecretRule[] = SECRET_RULES): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const rule of rules) {
    if (rule.appliesTo ? path === undefined || !rule.appliesTo(path) : !rule.keywords.some((k) => text.includes(k))) continue;
    for (const match of rule.find(text)) {
      if (isExampleValue(match.secret)) continue;
      if (out.some((o) => match.start < o.end && o.start < match.end)) continue;
      out.push({ ...match, rule });
    }
  }
  return out;
}
