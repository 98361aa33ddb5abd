// Dependencies that few scans use, loaded at their first use instead of at start-up (issue 14): the
// CLI's start-up pays for every module it loads, and yaml, smol-toml and the CVSS v4 calculator (which
// builds all its tables when loaded) serve only YAML or TOML files (lock files, ignore files, the
// config) and advisories with v4 vectors. They are CommonJS (or ship a CommonJS build), so Node's
// require loads them synchronously, where their callers need them; the CLI's bundle leaves them out.
import { createRequire } from 'node:module';
import type Cvss from 'ae-cvss-calculator';
import type * as SmolToml from 'smol-toml';
import type * as Yaml from 'yaml';

const load = createRequire(import.meta.url);

/** A getter that loads `id` on its first call. */
function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(id) as T);
}

export const yaml = lazyRequire<typeof Yaml>('yaml');
export const toml = lazyRequire<typeof SmolToml>('smol-toml');
export const cvssCalculator = lazyRequire<typeof Cvss>('ae-cvss-calculator');
