// Dependencies that few scans use, loaded at their first use instead of at start-up (issue 14): the
// CLI's start-up pays for every module it loads, and yaml, smol-toml and the CVSS v4 calculator (which
// builds all its tables when loaded) serve only YAML or TOML files (lock files, ignore files, the
// config) and advisories with v4 vectors. They are CommonJS (or ship a CommonJS build), so Node's
// require loads them synchronously, where their callers need them. In the CLI's bundle each `load('…')`
// below is a require() that esbuild follows (scripts/bundle-cli.mjs): the modules are bundled, still
// evaluated at first use, and compiled from the bundle's code cache. zstd-napi's native binding (left
// out of the bundle, loaded from node_modules) costs ~2 ms to load, which only zstd layers need;
// better-sqlite3's (also left out) ~5 ms, which a scan needs only for the layer cache, the database or
// a file index too large for memory.
import { createRequire } from 'node:module';
import type Cvss from 'ae-cvss-calculator';
import type BetterSqlite3 from 'better-sqlite3';
import type LibZstd from 'zstd-napi/binding.js';
import type * as SmolToml from 'smol-toml';
import type * as Yaml from 'yaml';

const load = createRequire(import.meta.url);

/** A getter that calls `get` on its first call only. */
function once<T>(get: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= get());
}

export const yaml = once(() => load('yaml') as typeof Yaml);
export const toml = once(() => load('smol-toml') as typeof SmolToml);
export const cvssCalculator = once(() => load('ae-cvss-calculator') as typeof Cvss);
export const zstdBinding = once(() => load('zstd-napi/binding.js') as typeof LibZstd);
export const sqlite: () => typeof BetterSqlite3 = once(() => load('better-sqlite3') as typeof BetterSqlite3);
