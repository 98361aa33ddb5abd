// Settings a site keeps in one file rather than on every command line: its feed mirror, its own
// OSV feeds, where the database lives. Read by the CLI only ($PLIMSOLL_CONFIG, else
// $XDG_CONFIG_HOME/plimsoll/config.yaml); command-line flags and environment variables win over it.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { yaml } from './lazy-require.js';
import { InputError, errorMessage } from './errors.js';

export interface PlimsollConfig {
  db?: {
    /** Database directory (`--db-dir`). */
    dir?: string;
    /** Feed mirror, a directory or URL (`--mirror`, `PLIMSOLL_DB_MIRROR`). */
    mirror?: string;
    /** Private feeds, `osv-dir:PATH` or `maven-repo:PATH|URL` each, added to any `--source`. */
    sources?: string[];
    /** `db status` and scans warn past this age. */
    maxAgeDays?: number;
  };
}

export function configPath(): string {
  return process.env.PLIMSOLL_CONFIG || join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'plimsoll', 'config.yaml');
}

function checked(value: unknown, file: string): PlimsollConfig {
  const bad = (why: string): InputError => new InputError(`${file}: ${why}`);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad('not a mapping of settings');
  const db = (value as { db?: unknown }).db;
  if (db === undefined) return {};
  if (typeof db !== 'object' || db === null || Array.isArray(db)) throw bad('"db" must be a mapping');
  const { dir, mirror, sources, maxAgeDays } = db as Record<string, unknown>;
  for (const [key, v] of Object.entries({ dir, mirror })) if (v !== undefined && typeof v !== 'string') throw bad(`db.${key} must be a string`);
  if (sources !== undefined && (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string')))
    throw bad('db.sources must be a list of strings (osv-dir:PATH, maven-repo:PATH|URL)');
  if (maxAgeDays !== undefined && (typeof maxAgeDays !== 'number' || maxAgeDays < 0)) throw bad('db.maxAgeDays must be a number of days');
  return { db: db as PlimsollConfig['db'] };
}

/** The configuration; none when the default file is absent, an error when a named one is. */
export function loadConfig(file = configPath()): PlimsollConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !process.env.PLIMSOLL_CONFIG) return {};
    throw new InputError(`${file}: cannot read the configuration (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  let value: unknown;
  try {
    value = yaml().parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid YAML (${errorMessage(err).split('\n')[0]})`);
  }
  return checked(value, file);
}

/** The database options a command uses: its flags, then the environment, then the configuration. */
export function dbSettings(
  flags: { dbDir?: string; mirror?: string; source?: string[] },
  maxAgeDaysFlag?: number,
): { dbDir?: string; mirror?: string; sources: string[]; maxAgeDays?: number } {
  const db = loadConfig().db ?? {};
  const dbDir = flags.dbDir ?? db.dir;
  const mirror = flags.mirror ?? (process.env.PLIMSOLL_DB_MIRROR || undefined) ?? db.mirror;
  const maxAgeDays = maxAgeDaysFlag ?? db.maxAgeDays;
  return {
    ...(dbDir ? { dbDir } : {}),
    ...(mirror ? { mirror } : {}),
    sources: [...(db.sources ?? []), ...(flags.source ?? [])],
    ...(maxAgeDays !== undefined ? { maxAgeDays } : {}),
  };
}
