// One secret rule: how a provider's credential looks in text, with its severity and fix.
import type { Severity } from '../../model/finding.js';

export interface SecretMatch {
  /** Character offsets in the text, so that overlapping matches of two rules are reported once. */
  start: number;
  end: number;
  /** The secret itself; only ever leaves the scanner masked. */
  secret: string;
  /** The key name that went with it (`_authToken`, `password`), when the format has one. */
  key?: string;
  /** Overrides the rule's severity (a Stripe test key, an encrypted private key). */
  severity?: Severity;
  /** Refines the rule's title (`RSA`, `encrypted`). */
  detail?: string;
}

export interface SecretRule {
  /** Finding id, `PLM-SECRET-…`. */
  id: string;
  title: string;
  severity: Severity;
  remediation: string;
  /** Cheap substrings: the rule's regex runs only on text that holds one of them. */
  keywords: readonly string[];
  /** Restricts the rule to files of a given name (credential files); absent: any candidate text. */
  appliesTo?(path: string): boolean;
  find(text: string): SecretMatch[];
}

/** Every match of a global regex's capture group `group` (the secret) with its offsets. */
export function matchGroup(text: string, re: RegExp, group = 1, key?: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  for (const m of text.matchAll(re)) {
    const secret = m[group];
    if (secret === undefined || m.index === undefined) continue;
    const start = m.index + m[0].indexOf(secret);
    out.push({ start, end: start + secret.length, secret, ...(key ? { key } : {}) });
  }
  return out;
}

export const ROTATE =
  'Revoke and rotate the credential, then rebuild without it: pass secrets at run time (secret store, mounted file) or with `RUN --mount=type=secret`, never in a layer.';
