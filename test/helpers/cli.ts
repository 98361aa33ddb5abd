// Runs the CLI from source, as a user would, and checks the error contract.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '../../src/cli.ts');
/** The built CLI (`npm test` builds first): what a process without tsx, or as another user, runs. */
export const BUILT_CLI = join(import.meta.dirname, '../../dist/cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function plimsoll(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2, exactly one line on stderr matching every one of `mentions`, no stack trace, nothing on stdout. */
export function assertOneLineError(r: CliRun, ...mentions: (string | RegExp)[]): void {
  assert.equal(r.status, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  for (const m of mentions) assert.match(lines[0] as string, typeof m === 'string' ? new RegExp(m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : m);
  assert.equal(r.stdout, '', 'no partial result on stdout');
}
