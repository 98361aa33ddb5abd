#!/usr/bin/env node
// Bundles the CLI after tsc (issue 14). Unbundled, a scan started by loading ~330 ES modules and ~200
// CommonJS files of its dependencies one by one (resolving, reading, compiling, and scanning each CJS
// file for its exports): most of the fixed cost of a scan that reads no layer. Bundled, the same code
// is a few files. dist/index.js and the rest of tsc's output stay the library, unbundled.
//
// - Output is dist/bundle/, two levels below the package root as every tsc-built module is: the
//   modules that find package.json and data/ by `import.meta.dirname` + '../../' keep working.
// - Splitting keeps what each command loads lazily (`import()`: the actions, report formats) in
//   chunks of its own, so `--version` and `image` load only what they run.
// - layer-worker is an entry of its own: layer-thread starts it as `./layer-worker.js` beside itself.
// - Kept external: the native modules (their loaders find the .node file from their own path) and the
//   server's and worker's dependencies, which only `plimsoll server` and `plimsoll worker` load. What
//   src/lazy-require.ts loads at first use (yaml, smol-toml, ae-cvss-calculator) is left out too: it
//   names them in a variable, which esbuild does not follow.
// - dist/cli.js, tsc's entry, is replaced by one that imports the bundle's, so `bin` and every caller
//   of dist/cli.js run the bundle.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'bundle');

// Chunk names carry a content hash: a previous build's chunks would stay behind.
rmSync(OUT, { recursive: true, force: true });

await build({
  // From the sources (as the tests run them, through tsx's esbuild), not tsc's dist/cli.js, which is replaced below.
  entryPoints: { cli: join(ROOT, 'src/cli.ts'), 'layer-worker': join(ROOT, 'src/image/layer-worker.ts') },
  tsconfig: join(ROOT, 'tsconfig.build.json'),
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'zstd-napi', 'fastify', '@fastify/swagger', 'pg', 'pg-boss', 'prom-client'],
  // Bundled CommonJS dependencies call require() for Node's built-in modules; ES modules have none.
  banner: { js: "import { createRequire as __plimsollRequire } from 'node:module'; const require = __plimsollRequire(import.meta.url);" },
  logLevel: 'warning',
});

rmSync(join(DIST, 'cli.js.map'), { force: true });
writeFileSync(join(DIST, 'cli.js'), "#!/usr/bin/env node\n// The CLI, bundled by scripts/bundle-cli.mjs.\nimport './bundle/cli.js';\n", { mode: 0o755 });
