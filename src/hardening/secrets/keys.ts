// Key names that say "this value is a credential", for ENV, labels, build args and .env files.

const SENSITIVE_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'SECRET', 'SECRETS', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATEKEY']);
const SENSITIVE_PAIRS = new Set([
  'API KEY',
  'ACCESS KEY',
  'PRIVATE KEY',
  'SECRET KEY',
  'CLIENT SECRET',
  'AUTH TOKEN',
  'SIGNING KEY',
  'ENCRYPTION KEY',
  'AUTH KEY',
  'CLIENT KEY',
]);
/** A last word that makes the value a pointer or a setting, not the secret itself. */
const NOT_THE_VALUE = new Set([
  'FILE',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'HOST',
  'PORT',
  'USER',
  'USERNAME',
  'NAME',
  'ID',
  'TYPE',
  'LENGTH',
  'MIN',
  'MAX',
  'ENABLED',
  'HEADER',
  'FINGERPRINT',
  'REGION',
]);

/** Splits `dbPassword`, `DB_PASSWORD`, `db-password` into upper-case words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

export function isSensitiveKey(name: string): boolean {
  const w = words(name);
  if (w.length === 0 || NOT_THE_VALUE.has(w[w.length - 1] as string)) return false;
  if (w.some((x) => SENSITIVE_WORDS.has(x))) return true;
  return w.slice(1).some((x, i) => SENSITIVE_PAIRS.has(`${w[i]} ${x}`));
}

/** Values that are no secret: empty, references to other variables, switches, masks. */
export function isPlaceholderValue(value: string): boolean {
  const v = unquote(value);
  if (v.length < 4) return true;
  if (/^<.*>$|^\*+$|^(?:none|null|nil|false|true|undefined|empty)$/i.test(v)) return true;
  return /^\$\{?[A-Za-z_]/.test(v);
}

/**
 * A value that points at a file (`DB_PASSWORD=/run/secrets/db`) rather than holding the secret.
 * Base64 secrets start with `/` one time in 32, so a segment that reads like a random token keeps it a secret.
 */
export function isFilePathValue(value: string): boolean {
  const v = unquote(value);
  if (!v.startsWith('/') || /\s/.test(v)) return false;
  return !v
    .split('/')
    .some((segment) => segment.length >= 16 && (/[+=]/.test(segment) || (/[A-Z]/.test(segment) && /[a-z]/.test(segment) && /[0-9]/.test(segment))));
}

const unquote = (value: string): string => value.trim().replace(/^["']|["']$/g, '');
