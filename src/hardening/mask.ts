// Secrets never leave the scanner whole: findings carry a masked form only.

/** Keeps a few leading characters (a provider prefix says what it is) and the last two; the rest becomes `*`. */
export function maskSecret(secret: string): string {
  const s = secret.replace(/\s+/g, ' ');
  if (s.length <= 8) return '*'.repeat(Math.max(s.length, 4));
  const keep = Math.min(s.length <= 16 ? 2 : 6, Math.floor(s.length / 4));
  return `${s.slice(0, keep)}${'*'.repeat(Math.min(s.length - keep - 2, 12))}${s.slice(-2)}`;
}

/** A short masked excerpt for a finding: `KEY=mask(value)` when a key name goes with it. */
export function maskedEvidence(secret: string, key?: string): string {
  return key ? `${key}=${maskSecret(secret)}` : maskSecret(secret);
}
