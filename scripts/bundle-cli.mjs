#!/usr/bin/env node
// Bundles the CLI after tsc (issue 14). Unbundled, a scan started by loading ~330 ES modules and ~200
// CommonJS files of its dependencies one by one (resolving, reading, compiling, and scanning each CJS
// file for its exports): most of the fixed cost of a scan that reads no layer. Bundled, the same code
// is one file. dist/index.js and the rest of tsc's output stay the library, unbundled.
//
// - The bundle, dist/bundle/cli.cjs, is one script (CommonJS, no chunks), so that it can be compiled
//   from a V8 code cache made here (scripts/code-cache.ts; src/cli-bundle.ts runs it). What the CLI
//   imports with `import()` (the actions, report formats) is bundled too, evaluated at its first use.
//   The bundle is read as the body of a function given `require`, `__filename`, `__dirname` and
//   `__importMetaUrl`, which stands for `import.meta.url` (and `import.meta.dirname` for `__dirname`).
// - Output is dist/bundle/, two levels below the package root as every tsc-built module is: the
//   modules that find package.json and data/ by `import.meta.dirname` + '../../' keep working.
// - Worker threads' modules are files of their own beside the bundle, with its extension (.cjs):
//   layer-thread starts `./layer-worker` + its own extension.
// - Kept external: the native modules (their loaders find the .node file from their own path) and the
//   server's and worker's dependencies, which only `plimsoll server` and `plimsoll worker` load.
// - What src/lazy-require.ts loads at first use (yaml, smol-toml, ae-cvss-calculator) is bundled, still
//   evaluated at first use, and so compiled from the code cache (loading the CVSS v4 calculator took
//   ~20 ms, mostly compiling): its `load('…')` calls become require() calls, which esbuild follows.
// - dist/cli.js, tsc's entry, is replaced by one that runs the bundle (src/cli-bundle.ts) with the code
//   cache, whose SHA-256 it names: a cache damaged, or from another build, is not used.
// - The bundle is ASCII: esbuild escapes other characters in strings, but not in a tagged template's
//   text (its raw form is observable), and one such character made the whole 2 MB source a two-byte
//   string that every run decoded from UTF-8. The build fails on one, naming its line (use an HTML entity).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'bundle');
const WORKERS = ['src/image/layer-worker.ts'];

/** src/lazy-require.ts with its `load('…')` calls made require() calls. */
const bundleLazyRequires = {
  name: 'bundle-lazy-requires',
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]src[\\/]lazy-require\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = source.replaceAll(/\bload\('/g, "require('");
      if (contents === source) throw new Error(`${path}: no load('…') call left to bundle`);
      return { contents, loader: 'ts' };
    });
  },
};

// What a previous build left, its code cache among it.
rmSync(OUT, { recursive: true, force: true });

await build({
  // From the sources (as the tests run them, through tsx's esbuild), not tsc's dist/cli.js, which is replaced below.
  entryPoints: Object.fromEntries(['src/cli.ts', ...WORKERS].map((entry) => [basename(entry, '.ts'), join(ROOT, entry)])),
  tsconfig: join(ROOT, 'tsconfig.build.json'),
  outdir: OUT,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'zstd-napi', 'fastify', '@fastify/swagger', 'pg', 'pg-boss', 'prom-client'],
  define: { 'import.meta.url': '__importMetaUrl', 'import.meta.dirname': '__dirname' },
  // A script's `import()` needs a vm loader that Node 20 has only as experimental: the bundle's `import()`s
  // of its external ES-module dependency, pg-boss, become require() (which loads an ES module since Node
  // 20.19; pg-boss itself asks for Node 22.12).
  supported: { 'dynamic-import': false },
  plugins: [bundleLazyRequires],
  // An `import.meta` other than the two defined above would be empty in a script.
  logOverride: { 'empty-import-meta': 'error' },
  logLevel: 'warning',
});

for (const [index, line] of readFileSync(join(OUT, 'cli.cjs'), 'utf8').split('\n').entries()) {
  if (/[\u0080-\uffff]/.test(line))
    throw new Error(`dist/bundle/cli.cjs:${index + 1}: a character past ASCII (in a tagged template?): ${line.trim().slice(0, 120)}`);
}
rmSync(join(DIST, 'cli.js.map'), { force: true });
const CACHE = join(OUT, 'cli.cache');
writeLauncher('runBundle(compileBundle());');
// Made by runs of the bundle: dist/cli.js runs it without a cache meanwhile.
const made = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'code-cache.ts'), CACHE], { stdio: 'inherit' });
if (made.status !== 0) throw new Error(`scripts/code-cache.ts: exit ${made.status}`);
const digest = createHash('sha256').update(readFileSync(CACHE)).digest('hex');
writeLauncher(`runBundle(compileBundle(readCodeCache(${JSON.stringify(basename(CACHE))}, ${JSON.stringify(digest)})));`);

/** Writes dist/cli.js, the package's `bin`, to run the bundle with the statement `run`. */
function writeLauncher(run) {
  const file = join(DIST, 'cli.js');
  const header = [
    '#!/usr/bin/env node',
    '// The CLI, bundled by scripts/bundle-cli.mjs, compiled from the code cache made with the bundle.',
    "import { compileBundle, readCodeCache, runBundle } from './cli-bundle.js';",
  ];
  writeFileSync(file, [...header, '', run, ''].join('\n'));
  chmodSync(file, 0o755);
}
