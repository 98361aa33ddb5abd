// Google Cloud: service-account key files (JSON with a private key) and API keys.
import { ROTATE, matchGroup, type SecretMatch, type SecretRule } from './rule.js';

function serviceAccountKeys(text: string): SecretMatch[] {
  if (!/"type"\s*:\s*"service_account"/.test(text)) return [];
  const out: SecretMatch[] = [];
  for (const m of text.matchAll(/"private_key"\s*:\s*"(-----BEGIN[^"]*PRIVATE KEY-----[^"]*)"/g)) {
    const key = m[1] as string;
    const start = (m.index ?? 0) + m[0].indexOf(key);
    const id = /"private_key_id"\s*:\s*"([0-9a-f]{8,})"/.exec(text)?.[1];
    const email = /"client_email"\s*:\s*"([^"]+)"/.exec(text)?.[1];
    out.push({ start, end: start + key.length, secret: id ?? key, key: 'private_key_id', ...(email ? { detail: email } : {}) });
  }
  return out;
}

export const gcpRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-GCP-SERVICE-ACCOUNT',
    title: 'GCP service-account key',
    severity: 'CRITICAL',
    remediation: `${ROTATE} Delete the key in IAM and prefer workload identity over key files.`,
    keywords: ['service_account'],
    find: serviceAccountKeys,
  },
  {
    id: 'PLM-SECRET-GCP-API-KEY',
    title: 'Google API key',
    severity: 'HIGH',
    remediation: `${ROTATE} Restrict or delete the key in the Cloud console.`,
    keywords: ['AIza'],
    find: (text) => matchGroup(text, /(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/g),
  },
];
