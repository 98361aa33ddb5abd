import { CommanderError } from 'commander';
import { PlimsollError, errorMessage } from './errors.js';
// The commands' modules define their options and help only: each action imports its implementation.
import { filesCommand } from './cli/commands/files.js';
import { imageCommand } from './cli/commands/image.js';
import { sbomCommand } from './cli/commands/sbom.js';
import { dbCommand } from './cli/commands/db.js';
import { dockerfileCommand } from './cli/commands/dockerfile.js';
import { armDeadline } from './cli/deadline.js';
import { Command } from './cli/env.js';
import { serverCommand } from './cli/commands/server.js';
import { workerCommand } from './cli/commands/worker.js';
import { cacheCommand } from './cli/commands/cache.js';
import { plimsollVersion } from './model/inventory.js';

/** Exit codes: 0 ok, 1 policy failed, 2 usage or input error, 3 internal error. */
async function main(argv: string[]): Promise<number> {
  const program = new Command('plimsoll')
    .description('Container-image security scanner')
    .version(plimsollVersion())
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .addCommand(imageCommand())
    .addCommand(sbomCommand())
    .addCommand(dockerfileCommand())
    .addCommand(filesCommand())
    .addCommand(dbCommand())
    .addCommand(cacheCommand())
    .addCommand(serverCommand())
    .addCommand(workerCommand());
  for (const command of program.commands) command.exitOverride();
  program.hook('preAction', (_, action) => {
    const { timeout } = action.opts<{ timeout?: string }>();
    if (timeout !== undefined) armDeadline(timeout);
  });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof PlimsollError) {
      process.stderr.write(`plimsoll: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`plimsoll: internal error: ${errorMessage(err)}\n`);
    if (process.env.PLIMSOLL_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return 3;
  }
}

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});
// No top-level await: the bundle is a script (scripts/bundle-cli.mjs), for V8's code cache.
void main(process.argv).then((code) => {
  process.exitCode = code;
});
