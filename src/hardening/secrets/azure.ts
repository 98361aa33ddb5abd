// Azure: storage account keys in connection strings, and Entra ID (Azure AD) client secrets.
import { ROTATE, matchGroup, type SecretRule } from './rule.js';

export const azureRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-AZURE-STORAGE-KEY',
    title: 'Azure storage account key',
    severity: 'CRITICAL',
    remediation: `${ROTATE} Regenerate the account key and prefer managed identities.`,
    keywords: ['AccountKey='],
    find: (text) => matchGroup(text, /AccountKey=([A-Za-z0-9+/]{86}==)/g, 1, 'AccountKey'),
  },
  {
    id: 'PLM-SECRET-AZURE-CLIENT-SECRET',
    title: 'Azure Entra ID client secret',
    severity: 'HIGH',
    remediation: `${ROTATE} Delete the secret from the app registration.`,
    keywords: ['Q~'],
    find: (text) => matchGroup(text, /(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g),
  },
];
