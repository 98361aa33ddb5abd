// Slack: bot, user and app tokens, and incoming-webhook URLs.
import { ROTATE, matchGroup, type SecretRule } from './rule.js';

export const slackRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-SLACK-TOKEN',
    title: 'Slack token',
    severity: 'HIGH',
    remediation: `${ROTATE} Revoke it in the Slack app's OAuth settings.`,
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xapp-'],
    find: (text) => [
      ...matchGroup(text, /(?<![A-Za-z0-9-])(xox[baprs]-\d{8,13}-\d{8,13}(?:-\d{8,13})?-[A-Za-z0-9]{24,34})(?![A-Za-z0-9-])/g),
      ...matchGroup(text, /(?<![A-Za-z0-9-])(xapp-\d-[A-Z0-9]{9,11}-\d{10,13}-[a-f0-9]{64})(?![A-Za-z0-9-])/g),
    ],
  },
  {
    id: 'PLM-SECRET-SLACK-WEBHOOK',
    title: 'Slack incoming-webhook URL',
    severity: 'MEDIUM',
    remediation: `${ROTATE} Regenerate the webhook in the Slack app.`,
    keywords: ['hooks.slack.com'],
    find: (text) => matchGroup(text, /https:\/\/hooks\.slack\.com\/services\/(T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/[A-Za-z0-9]{24})/g),
  },
];
