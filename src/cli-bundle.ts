// Runs the CLI's bundle (`dist/bundle/cli.cjs`, made by scripts/bundle-cli.mjs) from V8's code cache
// (issue 14). Compiling the ~1.5 MB bundle cost every run ~25 ms, and compiling each function the run
// calls some tens more; the cache, made at build time after a representative scan, holds all of that
// compiled. Node 20 has no `module.enableCompileCache`: the bundle is compiled here, as a `vm.Script`
// given the cache. V8 checks that the cache was made by the same V8 with the same flags for a source of
// the same length, and otherwise rejects it and compiles the source as usual: a missing, stale or foreign
// cache only costs the time it would have saved. V8 does not check what follows the cache's header, so
// a cache damaged inside is caught here, by its SHA-256 (~1 ms). Only tsc's output of this file ships; the CLI's tests
// run src/cli.ts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const BUNDLE = fileURLToPath(new URL('./bundle/cli.cjs', import.meta.url));

/**
 * The bundle runs as the body of this function, given what Node gives a CommonJS module and the value
 * of `import.meta.url`, which the bundle reads as `__importMetaUrl`. Kept on the bundle's first line,
 * so its line numbers stay those of the file.
 */
const wrap = (source: string): string => `(function (require, __filename, __dirname, __importMetaUrl) {${source}\n})`;

/** The bundle compiled, from `cachedData` when V8 accepts it (`script.cachedDataRejected` says). */
export function compileBundle(cachedData?: Buffer): Script {
  return new Script(wrap(readFileSync(BUNDLE, 'utf8')), { filename: BUNDLE, cachedData });
}

/** Runs the CLI: the compiled bundle evaluated, which parses `process.argv`. */
export function runBundle(script: Script): void {
  const run = script.runInThisContext() as (require: NodeJS.Require, filename: string, dirname: string, importMetaUrl: string) => void;
  run(createRequire(BUNDLE), BUNDLE, dirname(BUNDLE), pathToFileURL(BUNDLE).href);
}

/** The code cache `name` beside the bundle, if it is there and its SHA-256 is `sha256` (hex). */
export function readCodeCache(name: string, sha256: string): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(join(dirname(BUNDLE), name));
  } catch {
    return undefined;
  }
  return createHash('sha256').update(cache).digest('hex') === sha256 ? cache : undefined;
}
