import { Option } from 'commander';
import { Command } from '../env.js';
import { pullDbFromRegistry, renderDbStatus, renderDbUpdate, runDbExport, runDbImport, runDbPush, runDbStatus, runDbUpdate } from '../../vulndb/index.js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, PlimsollError } from '../../errors.js';
import { writeOutput } from '../output.js';
import { sourceOptions, type ImageCliOptions } from '../image-options.js';
import { dbSettings } from '../../config.js';

interface DbCliOptions extends Pick<ImageCliOptions, 'username' | 'password' | 'passwordStdin' | 'insecure'> {
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

function maxAgeDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const days = Number(text);
  if (!Number.isFinite(days) || days < 0) throw new PlimsollError(`--max-age-days: not a number of days: "${text}"`);
  return days;
}

/** Registry options, as the image commands take them. */
function addRegistryOptions(command: Command): Command {
  return command
    .option('--username <name>', 'registry user name')
    .addOption(new Option('--password <password>', 'registry password').conflicts('passwordStdin'))
    .option('--password-stdin', 'read the registry password from standard input')
    .option('--insecure', 'do not verify registry TLS certificates');
}

async function registryOptions(opts: DbCliOptions): Promise<{ username?: string; password?: string; insecure: boolean }> {
  const { username, password, insecure } = await sourceOptions(opts);
  return { ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}), insecure: insecure === true };
}

export function dbCommand(): Command {
  const db = new Command('db').description('the local vulnerability database: build, inspect, carry into closed networks');
  const update = db
    .command('update')
    .description('download the feeds (or read a mirror, or pull a published database) and build the database; the previous one stays until the new one is complete')
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option('--mirror <dir|url>', 'read the feeds from a mirror directory or URL holding osv/<Ecosystem>/all.zip, alpine-secdb/v3.N/main.json, debian-security-tracker/data/{DSA,DLA}/list, kev/, epss/, nvd/ (or PLIMSOLL_DB_MIRROR)')
    .option('--source <source>', 'also read a private feed: osv-dir:PATH (a directory or zip of OSV records) or maven-repo:PATH|URL (a Maven repository or its indexer file, for the SHA-1 index of jars); repeatable', (v: string, all: string[] = []) => [...all, v])
    .option('--from <oci://REGISTRY/REPO:TAG>', 'install a database published with db push instead of building one')
    .option('--offline', 'refuse to download anything')
    .option('-q, --quiet', 'no progress output')
    .addOption(formatOption());
  addRegistryOptions(update).action(async (opts: DbCliOptions) => {
    if (opts.from) {
      if (opts.mirror || opts.source) throw new PlimsollError('--from installs a published database: it does not combine with --mirror or --source');
      const pulled = await pullDbFromRegistry(opts.from, { dbDir: dbSettings(opts).dbDir, offline: opts.offline, quiet: opts.quiet, ...(await registryOptions(opts)) });
      if (!opts.quiet) process.stderr.write(`plimsoll: installed database built ${pulled.manifest.builtAt} from ${opts.from} (sha256 ${pulled.manifest.sha256})\n`);
      return;
    }
    const { dbDir, mirror, sources } = dbSettings(opts);
    const result = await runDbUpdate({ dbDir, mirror, offline: opts.offline, quiet: opts.quiet, sources });
    await writeOutput(renderDbUpdate(result, opts.format), undefined);
  });
  db.command('status')
    .description('where the database is, how old, and what each source holds')
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option('--max-age-days <days>', 'warn when the database is older than this (default 3)')
    .addOption(formatOption())
    .action(async (opts: DbCliOptions) => {
      const { dbDir, maxAgeDays: days } = dbSettings(opts, maxAgeDays(opts.maxAgeDays));
      const status = runDbStatus({ dbDir, maxAgeDays: days });
      await writeOutput(renderDbStatus(status, opts.format), undefined);
    });
  db.command('export')
    .description('write the database as one compressed file with a manifest (schema, sources, sha256)')
    .argument('<file>', 'file to write')
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option('-q, --quiet', 'no progress output')
    .action(async (file: string, opts: DbCliOptions) => {
      // Checked here: the exporter's write stream fails outside any promise a caller could catch.
      if (!existsSync(dirname(resolve(file)))) throw new InputError(`db export ${file}: directory ${dirname(resolve(file))} does not exist; create it first`);
      const manifest = await runDbExport(file, { dbDir: dbSettings(opts).dbDir, quiet: opts.quiet });
      if (!opts.quiet) process.stderr.write(`plimsoll: exported to ${file} (sha256 ${manifest.sha256})\n`);
    });
  db.command('import')
    .description('verify an exported database and install it atomically')
    .argument('<file>', 'file made by db export')
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option('-q, --quiet', 'no progress output')
    .action(async (file: string, opts: DbCliOptions) => {
      const manifest = await runDbImport(file, { dbDir: dbSettings(opts).dbDir, quiet: opts.quiet });
      if (!opts.quiet) process.stderr.write(`plimsoll: imported database built ${manifest.builtAt} (sha256 ${manifest.sha256})\n`);
    });
  const push = db
    .command('push')
    .description('publish the database to a registry as an OCI artifact, for db update --from on machines that cannot reach the feeds')
    .argument('<ref>', 'REGISTRY/REPO:TAG')
    .option('--db-dir <dir>', 'database directory (default ~/.cache/plimsoll/db)')
    .option('--offline', 'refuse to use the network')
    .option('-q, --quiet', 'no progress output');
  addRegistryOptions(push).action(async (ref: string, opts: DbCliOptions) => {
    const pushed = await runDbPush(ref, { dbDir: dbSettings(opts).dbDir, offline: opts.offline, quiet: opts.quiet, ...(await registryOptions(opts)) });
    if (!opts.quiet) process.stderr.write(`plimsoll: pushed database built ${pushed.manifest.builtAt} to ${ref} (${pushed.digest})${pushed.layerUploaded ? '' : ' (layer already in the registry)'}\n`);
  });
  for (const sub of db.commands) sub.exitOverride();
  return db;
}
