// Runs the CLI's bundle (`dist/bundle/cli.cjs`, made by scripts/bundle-cli.mjs) from V8's code cache
// (issue 14). Compiling the ~2 MB bundle cost every run ~25 ms, and compiling the functions a scan calls
// some tens more; the cache, made at build time after a representative scan, holds all of it compiled.
// Node 20 has no `module.enableCompileCache`: the bundle is compiled here, as a `vm.Script` given the
// cache. V8 rejects a cache made by another V8, under other flags or for a source of another length, and
// then compiles the source as usual: a missing or foreign cache costs only the time it would have saved.
// V8 checks no more than the cache's header, so a cache damaged inside is caught here, by its SHA-256
// (~1 ms). Only the built CLI runs this; the tests run src/cli.ts from source.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

const BUNDLE = fileURLToPath(new URL('./bundle/cli.cjs', import.meta.url));

/**
 * The bundle runs as the body of this function, given what Node gives a CommonJS module and the value
 * of `import.meta.url`, which the bundle reads as `__importMetaUrl`. Kept on the bundle's first line,
 * so its line numbers stay those of the file.
 */
const wrap = (source: string): string => `(function (require, __filename, __dirname, __importMetaUrl) {${source}\n})`;

/**
 * V8 flags for a run that is over in about a second, as a scan of one image is. Measured on a first
 * `sbom` of debian-app (2 cores): TurboFan compiling on V8's background threads took a quarter of the
 * run's CPU time, more than gunzip. Without inlining, and with functions optimised only after twice
 * V8's default interrupt budget, the run took 12% less CPU and 9% less wall time (a `docker-archive:`
 * `image` 18% less); four times the budget took another 5% of CPU off (8% off the docker-archive
 * scan); eight times saved CPU but lost wall time. A warm scan and a small one were unchanged.
 * The old generation grows four times its live size before it is collected again (V8's own largest
 * factor, which it picks itself only for a large heap): a scan's heap stays small (10-15 MB), and at
 * V8's choice a first sbom of debian-app ran 11-15 full collections, with the flag 2, taking another
 * 7% of CPU and 5% of wall time off, for 3-10 MB more peak RSS (twice the size: no fewer collections).
 */
const SHORT_RUN_FLAGS = ['--no-turbo-inlining', '--interrupt-budget=270336', '--heap-growing-percent=300'];
/** Commands that run long enough for V8's defaults to pay (a database build took 5% longer without inlining). */
const LONG_RUNNING = new Set(['server', 'worker', 'db']);

/**
 * The bundle compiled, from `cachedData` when V8 accepts it (`script.cachedDataRejected` says), with
 * V8's flags set for `command` first. The cache is made under the short-run flags: a long-running
 * command's run rejects it and compiles the source (once, some tens of milliseconds).
 */
export function compileBundle(cachedData?: Buffer, command = process.argv[2]): Script {
  if (!LONG_RUNNING.has(command ?? '')) for (const flag of SHORT_RUN_FLAGS) setFlagsFromString(flag);
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
