// Options shared by the `db` commands, as the CLI passes them.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DbOptions {
  /** Default `$XDG_CACHE_HOME/plimsoll/db`, else `~/.cache/plimsoll/db`. */
  dbDir?: string;
  /** A directory or http(s) URL laid out like ../shared/vulndata; default PLIMSOLL_DB_MIRROR, else the public feeds. */
  mirror?: string;
  /** Refuse anything that would download. */
  offline?: boolean;
  /** No progress or waiting messages on stderr. */
  quiet?: boolean;
  /** `table` (text, the default) or `json`. */
  format?: string;
  /** `db status` warns when the database is older than this (default 3). */
  maxAgeDays?: number;
}

export function resolveDbDir(dbDir: string | undefined): string {
  if (dbDir) return resolve(dbDir);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'plimsoll', 'db');
}

export function resolveMirror(mirror: string | undefined): string | undefined {
  return mirror || process.env.PLIMSOLL_DB_MIRROR || undefined;
}

/** Messages for a person at a terminal: only on a TTY, never with --quiet, never on stdout. */
export class Progress {
  private readonly live: boolean;
  private transient = false;

  constructor(quiet: boolean | undefined) {
    this.live = !quiet && process.stderr.isTTY === true;
  }

  /** A line that the next message overwrites (counts while reading). */
  update(text: string): void {
    if (!this.live) return;
    process.stderr.write(`\r\x1b[K${text}`);
    this.transient = true;
  }

  /** A line that stays. */
  line(text: string): void {
    if (!this.live) return;
    this.clear();
    process.stderr.write(`${text}\n`);
  }

  clear(): void {
    if (this.live && this.transient) process.stderr.write('\r\x1b[K');
    this.transient = false;
  }
}

/** Messages the user must see even off a TTY (a wait on a lock, a broken lock): stderr, unless quiet. */
export function notice(quiet: boolean | undefined, text: string): void {
  if (!quiet) process.stderr.write(`plimsoll: ${text}\n`);
}
