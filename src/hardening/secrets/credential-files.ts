// Well-known credential files: each rule applies to one file name and reads the format's own key.
import { isFilePathValue, isPlaceholderValue, isSensitiveKey } from './keys.js';
import { ROTATE, matchGroup, type SecretMatch, type SecretRule } from './rule.js';

const base = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const realValues = (matches: SecretMatch[]): SecretMatch[] => matches.filter((m) => !isPlaceholderValue(m.secret));

function credentialFile(id: string, title: string, appliesTo: (path: string) => boolean, find: (text: string) => SecretMatch[], fix: string): SecretRule {
  return { id, title, severity: 'HIGH', remediation: `${ROTATE} ${fix}`, keywords: [], appliesTo, find: (text) => realValues(find(text)) };
}

function dotenvSecrets(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  for (const m of text.matchAll(/^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*["']?([^"'\s#]+)/gm)) {
    const key = m[1] as string;
    const value = m[2] as string;
    // Of these formats only .env files name a mounted secret file (`DB_PASSWORD=/run/secrets/db`).
    if (!isSensitiveKey(key) || isFilePathValue(value)) continue;
    const start = (m.index ?? 0) + m[0].lastIndexOf(value);
    out.push({ start, end: start + value.length, secret: value, key });
  }
  return out;
}

export const credentialFileRules: SecretRule[] = [
  credentialFile(
    'PLM-SECRET-NPMRC',
    '.npmrc with a registry credential',
    (p) => base(p) === '.npmrc',
    (t) =>
      [...t.matchAll(/(_authToken|_auth|_password)\s*=\s*(\S+)/g)].map((m) => {
        const end = (m.index ?? 0) + m[0].length;
        return { start: end - (m[2] as string).length, end, secret: m[2] as string, key: m[1] as string };
      }),
    'Write .npmrc from a build secret (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`) so it never lands in a layer.',
  ),
  credentialFile(
    'PLM-SECRET-PYPIRC',
    '.pypirc with a password',
    (p) => base(p) === '.pypirc',
    (t) => matchGroup(t, /^[ \t]*password[ \t]*[=:][ \t]*(\S+)/gm, 1, 'password'),
    'Use a build secret or trusted publishing instead of a .pypirc in the image.',
  ),
  credentialFile(
    'PLM-SECRET-DOCKER-CONFIG',
    'Docker config.json with registry auth',
    (p) => p.endsWith('.docker/config.json') || p === '.docker/config.json',
    (t) => [...matchGroup(t, /"auth"\s*:\s*"([^"]+)"/g, 1, 'auth'), ...matchGroup(t, /"identitytoken"\s*:\s*"([^"]+)"/g, 1, 'identitytoken')],
    'Log in at run time or use a credential helper; never copy ~/.docker/config.json into an image.',
  ),
  credentialFile(
    'PLM-SECRET-AWS-CREDENTIALS',
    'AWS credentials file',
    (p) => p.endsWith('.aws/credentials') || p === '.aws/credentials',
    (t) => [
      ...matchGroup(t, /aws_secret_access_key\s*=\s*(\S+)/g, 1, 'aws_secret_access_key'),
      ...matchGroup(t, /aws_session_token\s*=\s*(\S+)/g, 1, 'aws_session_token'),
    ],
    'Use an instance/task role or mount the credentials at run time.',
  ),
  credentialFile(
    'PLM-SECRET-GIT-CREDENTIALS',
    '.git-credentials with a password or token',
    (p) => base(p) === '.git-credentials',
    (t) => matchGroup(t, /^[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:([^@\s]+)@/gm, 1, 'password'),
    'Clone with `RUN --mount=type=ssh` or a build secret instead of stored git credentials.',
  ),
  credentialFile(
    'PLM-SECRET-NETRC',
    '.netrc with a password',
    (p) => base(p) === '.netrc' || base(p) === '_netrc',
    (t) => matchGroup(t, /\bpassword\s+(\S+)/g, 1, 'password'),
    'Pass the credential as a build secret and delete nothing: never write it to a layer.',
  ),
  credentialFile(
    'PLM-SECRET-DOTENV',
    '.env file with a secret',
    (p) => /^\.env(?:\.[a-z0-9_-]+)?$|\.env$/i.test(base(p)) && !/\.(?:example|sample|template|dist)$/i.test(base(p)),
    dotenvSecrets,
    'Keep .env files out of the build context (.dockerignore) and inject settings at run time.',
  ),
];
