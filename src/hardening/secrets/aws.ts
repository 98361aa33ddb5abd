// AWS: access key ids (AKIA long-term, ASIA temporary) and secret access keys next to their key name.
import { ROTATE, matchGroup, type SecretRule } from './rule.js';

export const awsRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-AWS-ACCESS-KEY-ID',
    title: 'AWS access key ID',
    severity: 'HIGH',
    remediation: `${ROTATE} Deactivate the key in IAM.`,
    keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    find: (text) => matchGroup(text, /(?<![A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Z0-9])/g),
  },
  {
    id: 'PLM-SECRET-AWS-SECRET-KEY',
    title: 'AWS secret access key',
    severity: 'CRITICAL',
    remediation: `${ROTATE} Deactivate the key in IAM.`,
    keywords: ['ecret_access_key', 'ecretAccessKey', 'ECRET_ACCESS_KEY'],
    find: (text) => matchGroup(text, /(?:aws_?)?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi, 1, 'aws_secret_access_key'),
  },
];
