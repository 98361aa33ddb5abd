// node scripts/code-cache-training.mjs FILE ARGS...: runs the CLI's bundle on ARGS, as dist/cli.js would
// but without a code cache, and when the process exits writes the bundle's code cache, with every
// function the run compiled, to FILE (scripts/code-cache.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { compileBundle, runBundle } from '../dist/cli-bundle.js';

const [file, ...args] = process.argv.slice(2);
// Compiled under the flags of the command it trains on (src/cli-bundle.ts), which the cache then holds.
const script = compileBundle(undefined, args[0]);
process.argv = [process.argv[0], join(import.meta.dirname, '..', 'dist', 'cli.js'), ...args];
process.on('exit', (code) => {
  if (code !== 0) return;
  // V8 rejects a cache made under other flags than the run's. The image reader sets these two when it
  // loads (src/image/reclaim.ts): back to V8's defaults, as a run starts.
  setFlagsFromString('--semi-space-growth-factor=2');
  setFlagsFromString('--no-expose-gc');
  writeFileSync(file, script.createCachedData());
});
runBundle(script);
