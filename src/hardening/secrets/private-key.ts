// Private keys: PEM blocks (PKCS#1, PKCS#8, SEC1, DSA), OpenSSH keys and PGP secret-key blocks,
// also inside other files (JSON with `\n` escapes, YAML, environment files).
import type { SecretMatch, SecretRule } from './rule.js';

const BLOCK = /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----([\s\S]{16,32768}?)-----END \1-----/g;

/** An OpenSSH key names its cipher right after the `openssh-key-v1\0` magic: `none` means unencrypted. */
function opensshCipher(body: string): string | undefined {
  const b64 = body.replace(/\\n|\\r|\s/g, '');
  const bytes = Buffer.from(b64.slice(0, 64), 'base64');
  const magic = 'openssh-key-v1\0';
  if (bytes.subarray(0, magic.length).toString('latin1') !== magic || bytes.length < magic.length + 4) return undefined;
  const len = bytes.readUInt32BE(magic.length);
  return bytes.subarray(magic.length + 4, magic.length + 4 + len).toString('latin1');
}

function findKeys(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1] as string;
    const body = m[2] as string;
    let encrypted = label.startsWith('ENCRYPTED') || /Proc-Type:\s*4,ENCRYPTED/.test(body);
    const type = label.replace(/ ?PRIVATE KEY.*$/, '') || 'PKCS#8';
    if (type === 'OPENSSH') {
      const cipher = opensshCipher(body);
      if (cipher !== undefined && cipher !== 'none') encrypted = true;
    }
    const start = m.index ?? 0;
    // The secret (for de-duplication across layers) is the key body; evidence shows the header only.
    out.push({
      start,
      end: start + m[0].length,
      secret: body.replace(/\\n|\\r|\s/g, ''),
      detail: encrypted ? `${type}, encrypted` : type,
      ...(encrypted ? { severity: 'MEDIUM' as const } : {}),
    });
  }
  return out;
}

export const privateKeyRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-PRIVATE-KEY',
    title: 'Private key',
    severity: 'HIGH',
    remediation:
      'Remove the key from the image and replace it (it is compromised once the image is shared); mount keys at run time or use `RUN --mount=type=ssh` / `--mount=type=secret` during the build.',
    keywords: ['PRIVATE KEY'],
    find: findKeys,
  },
];
