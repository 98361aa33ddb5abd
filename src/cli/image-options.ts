import { Option } from 'commander';
import type { Command } from './env.js';
import { PlimsollError } from '../errors.js';

export interface ImageCliOptions {
  platform?: string;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  insecure?: boolean;
  offline?: boolean;
  insecureSkipVerify?: boolean;
  maxLayerSize?: string;
  quiet?: boolean;
  input?: string;
  skipDirs?: string[];
  skipFiles?: string[];
  timeout?: string;
}

/** The layer cache flags of the commands that analyse an image (`image`, `sbom`). */
export interface CacheCliOptions {
  cacheDir?: string;
  /** False with --no-cache. */
  cache?: boolean;
}

/** Comma-separated and repeatable, as Trivy takes its lists. */
const globs = (value: string, all: string[] = []): string[] => [
  ...all,
  ...value
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean),
];

/** Options every command that reads an image takes. */
export function addImageOptions(command: Command): Command {
  return command
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-arch index (default: this machine)')
    .option('--username <name>', 'registry user name')
    .addOption(new Option('--password <password>', 'registry password').conflicts('passwordStdin'))
    .option('--password-stdin', 'read the registry password from standard input')
    .option('--insecure', 'do not verify registry TLS certificates')
    .option('--offline', 'never use the network; fail if something would need it')
    .option('--insecure-skip-verify', 'scan an image whose diff IDs or descriptor sizes do not match (a warning instead of an error)')
    .option('--max-layer-size <bytes>', 'largest uncompressed layer to read (decompression bomb guard)', String(10 * 1024 ** 3))
    .option('--input <file>', 'an image archive (docker save or OCI), its type told by its content; instead of REF')
    .option('--skip-dirs <globs>', 'image directories to leave out of the inventory and the hardening pass (comma-separated, repeatable; * ? **)', globs)
    .option('--skip-files <globs>', 'image files to leave out of the inventory and the hardening pass (comma-separated, repeatable; * ? **)', globs)
    .option('--timeout <duration>', 'give up after this long (30s, 5m, 1h): one line, exit 2; stalled registry or feed requests are retried sooner');
}

/** `--cache-dir` and `--no-cache`, for the commands whose analysis the layer cache keeps. */
export function addCacheOptions(command: Command): Command {
  return command
    .option(
      '--cache-dir <dir>',
      'layer cache directory: what analysing each layer found, never file contents (default $XDG_CACHE_HOME/plimsoll/layers or ~/.cache/plimsoll/layers)',
    )
    .option('--no-cache', 'neither read nor write the layer cache');
}

export function parseByteSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?$/i.exec(text.trim());
  if (!m) throw new PlimsollError(`${flag}: not a size: "${text}" (e.g. 10GiB, 500MB, 1048576)`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const base = unit.includes('i') ? 1024 : 1000;
  const power = { b: 0, k: 1, m: 2, g: 3, t: 4 }[unit[0] as 'b' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * base ** power);
}
