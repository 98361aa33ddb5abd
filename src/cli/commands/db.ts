import { Option } from 'commander';
import { Command } from '../env.js';
import type { ImageCliOptions } from '../image-options.js';

export interface DbCliOptions extends Pick<ImageCliOptions, 'username' | 'password' | 'passwordStdin' | 'insecure'> {
  dbDir?: string;
  from?: string;
  mirror?: string;
  offline?: boolean;
  quiet?: boolean;
  format: 'table' | 'json';
  source?: string[];
  maxAgeDays?: string;
}

function formatOption(): Option {
  return new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table');
}

/** Registry options, as the image commands take them. */
function addRegistryOptions(command: Command): Command {
  return command
    .option('--username <name>', 'registry user name')
    .addOption(new Option('--password <password>', 'registry password').conflicts('passwordStdin'))
    .option('--password-stdin', 'read the registry password from standard input')
    .option('--insecure', 'do not verify registry TLS certificates');
}

const actions = (): Promise<typeof import('../actions/db.js')> => import('../actions/db.js');

export function dbCommand(): Command {
  const db = new Command('db').description('the local vulnerability database: build, inspect, carry into closed networks');
  const update = db
    .command('update')
    .description(
      'download the feeds (or read a mirror, or pull a published database) and build the database; the previous one stays until the new one is complete',
    )
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option(
      '--mirror <dir|url>',
      'read the feeds from a mirror directory or URL holding osv/<Ecosystem>/all.zip, alpine-secdb/v3.N/main.json, debian-security-tracker/data/{DSA,DLA}/list, kev/, epss/, nvd/ (or PLIMSOLL_DB_MIRROR)',
    )
    .option(
      '--source <source>',
      'also read a private feed: osv-dir:PATH (a directory or zip of OSV records) or maven-repo:PATH|URL (a Maven repository or its indexer file, for the SHA-1 index of jars); repeatable',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--from <oci://REGISTRY/REPO:TAG>', 'install a database published with db push instead of building one')
    .option('--offline', 'refuse to download anything')
    .option('-q, --quiet', 'no progress output')
    .addOption(formatOption());
  addRegistryOptions(update).action(async (opts: DbCliOptions) => (await actions()).dbUpdate(opts));
  db.command('status')
    .description('where the database is, how old, and what each source holds')
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option('--max-age-days <days>', 'warn when the database is older than this (default 3)')
    .addOption(formatOption())
    .action(async (opts: DbCliOptions) => (await actions()).dbStatus(opts));
  db.command('export')
    .description('write the database as one compressed file with a manifest (schema, sources, sha256)')
    .argument('<file>', 'file to write')
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option('-q, --quiet', 'no progress output')
    .action(async (file: string, opts: DbCliOptions) => (await actions()).dbExport(file, opts));
  db.command('import')
    .description('verify an exported database and install it atomically')
    .argument('<file>', 'file made by db export')
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option('-q, --quiet', 'no progress output')
    .action(async (file: string, opts: DbCliOptions) => (await actions()).dbImport(file, opts));
  const push = db
    .command('push')
    .description('publish the database to a registry as an OCI artifact, for db update --from on machines that cannot reach the feeds')
    .argument('<ref>', 'REGISTRY/REPO:TAG')
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option('--offline', 'refuse to use the network')
    .option('-q, --quiet', 'no progress output');
  addRegistryOptions(push).action(async (ref: string, opts: DbCliOptions) => (await actions()).dbPush(ref, opts));
  for (const sub of db.commands) sub.exitOverride();
  return db;
}
