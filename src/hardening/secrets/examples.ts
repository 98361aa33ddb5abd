// What makes a match an example rather than a leaked secret: documented sample values,
// placeholders, low-entropy strings, and files that are tests or documentation.

/** Values the providers publish in their documentation. */
const DOCUMENTED = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
]);

const PLACEHOLDER = /example|sample|dummy|placeholder|fake|redacted|xxxx|your[_-]?(?:token|key|secret|password)|<[^>]*>|\$\{|\{\{/i;

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A documented, placeholder or patterned value (`AAAA…`, `1234…`): random keys are above 3 bits/char. */
export function isExampleValue(secret: string): boolean {
  // Long bodies (keys) would hit the placeholder words by chance.
  if (DOCUMENTED.has(secret) || (secret.length < 128 && PLACEHOLDER.test(secret))) return true;
  return secret.length >= 16 && entropy(secret) < 3;
}

const EXAMPLE_DIRS = new Set([
  'test',
  'tests',
  '__tests__',
  'testdata',
  'test-data',
  'spec',
  'specs',
  'fixtures',
  '__fixtures__',
  'example',
  'examples',
  'sample',
  'samples',
  'doc',
  'docs',
  'man',
]);
const EXAMPLE_FILE =
  /^(?:readme|changelog|changes|history|pkg-info|metadata)(?:\.|$)|\.(?:md|markdown|rst|adoc|txt\.gz|html?)$|[._-](?:test|spec)\.[a-z]+$|^test_.*\.py$|_test\.(?:go|py)$|\.(?:example|sample|dist|template|tmpl)$/i;

/** Test suites and documentation (of the image's own app or of the libraries in it) hold sample credentials by design. */
export function isExamplePath(path: string): boolean {
  const parts = path.split('/');
  const name = parts.pop() ?? '';
  if (path.startsWith('usr/share/doc/') || path.startsWith('usr/share/man/')) return true;
  return parts.some((p) => EXAMPLE_DIRS.has(p.toLowerCase())) || EXAMPLE_FILE.test(name);
}
