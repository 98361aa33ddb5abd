// Fake credentials generated at random in each provider's format (never the documented example values,
// which the scanner rightly treats as examples), and freshly generated private keys.
import { createHmac, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExampleValue } from '../../src/hardening/secrets/examples.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function fromAlphabet(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** A random base62 token that does not happen to spell a placeholder word (see fakeSecrets). */
export function base62(n: number): string {
  for (;;) {
    const token = fromAlphabet(BASE62, n);
    if (!isExampleValue(token)) return token;
  }
}
const digits = (n: number): string => `${randomInt(1, 10)}${fromAlphabet('0123456789', n - 1)}`;

/**
 * One fresh set of secrets. A random token can spell a placeholder word (`fake`, `xxxx`), which the
 * scanner rightly reads as an example, so a set holding one is drawn again: the tests must not flake.
 */
export function fakeSecrets(): ReturnType<typeof drawSecrets> {
  for (;;) {
    const secrets = drawSecrets();
    if (!Object.values(secrets).some((v) => isExampleValue(v))) return secrets;
  }
}

function drawSecrets() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const gcpKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ sub: base62(12), iat: Math.floor(Date.now() / 1000) })).toString('base64url');
  const signature = createHmac('sha256', randomBytes(32)).update(`${header}.${payload}`).digest('base64url');
  return {
    awsKeyId: `AKIA${fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    awsSecret: fromAlphabet(`${BASE62}/+`, 40),
    gcpKeyId: randomBytes(20).toString('hex'),
    gcpPrivateKey: gcpKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    azureAccountKey: randomBytes(64).toString('base64'),
    githubToken: `ghp_${base62(36)}`,
    gitlabToken: `glpat-${fromAlphabet(`${BASE62}_-`, 20)}`,
    slackToken: `xoxb-${digits(12)}-${digits(13)}-${base62(24)}`,
    stripeKey: `sk_live_${base62(32)}`,
    npmToken: `npm_${base62(36)}`,
    pypiToken: `pypi-AgEIcHlwaS5vcmc${randomBytes(60).toString('base64url')}`,
    jwt: `${header}.${payload}.${signature}`,
    rsaPem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    dbPassword: base62(20),
    gitPassword: base62(24),
  };
}

/** A fresh OpenSSH ed25519 key from ssh-keygen (the format only ssh-keygen writes), or undefined when it is not installed. */
export function opensshKey(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-sshkey-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(dir, 'id')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'id'), 'utf8');
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sshKeygenAvailable(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
  } catch (err) {
    return (err as { code?: string }).code !== 'ENOENT';
  }
  return true;
}
