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
  /** Where progress and notices go; without it, nowhere. */
  messages?: DbMessages;
  /** Drop the messages (`--quiet`, the server's rebuilds). */
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

/**
 * Where a database operation tells a person what it is doing. The library writes nowhere itself:
 * the CLI passes callbacks that draw on stderr (src/cli/progress.ts).
 */
export interface DbMessages {
  /** A status line the next one replaces (counts while reading); '' clears it. */
  progress?: (text: string) => void;
  /** A line that stays (each feed's record count). */
  line?: (text: string) => void;
  /** What must be seen even off a terminal: a wait on another update's lock, a broken lock. */
  notice?: (text: string) => void;
}

/** The messages of one operation, none with `quiet`. */
export class Progress {
  private readonly messages: DbMessages;

  constructor(options: Pick<DbOptions, 'quiet' | 'messages'>) {
    this.messages = (!options.quiet && options.messages) || {};
  }

  update(text: string): void {
    this.messages.progress?.(text);
  }

  line(text: string): void {
    this.messages.line?.(text);
  }

  clear(): void {
    this.messages.progress?.('');
  }

  notice(text: string): void {
    this.messages.notice?.(text);
  }
}
