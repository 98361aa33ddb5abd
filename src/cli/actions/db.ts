import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { dbSettings } from '../../config.js';
import { InputError, PlimsollError } from '../../errors.js';
import { pullDbFromRegistry, renderDbStatus, renderDbUpdate, runDbExport, runDbImport, runDbPush, runDbStatus, runDbUpdate } from '../../vulndb/index.js';
import type { DbCliOptions } from '../commands/db.js';
import { writeOutput } from '../output.js';
import { dbMessages } from '../progress.js';
import { sourceOptions } from '../source-options.js';

function maxAgeDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const days = Number(text);
  if (!Number.isFinite(days) || days < 0) throw new PlimsollError(`--max-age-days: not a number of days: "${text}"`);
  return days;
}

async function registryOptions(opts: DbCliOptions): Promise<{ username?: string; password?: string; insecure: boolean }> {
  const { username, password, insecure } = await sourceOptions(opts);
  return { ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}), insecure: insecure === true };
}

export async function dbUpdate(opts: DbCliOptions): Promise<void> {
  if (opts.from) {
    if (opts.mirror || opts.source) throw new PlimsollError('--from installs a published database: it does not combine with --mirror or --source');
    const pulled = await pullDbFromRegistry(opts.from, {
      dbDir: dbSettings(opts).dbDir,
      offline: opts.offline,
      messages: dbMessages(opts.quiet),
      ...(await registryOptions(opts)),
    });
    if (!opts.quiet)
      process.stderr.write(`plimsoll: installed database built ${pulled.manifest.builtAt} from ${opts.from} (sha256 ${pulled.manifest.sha256})\n`);
    return;
  }
  const { dbDir, mirror, sources } = dbSettings(opts);
  const result = await runDbUpdate({ dbDir, mirror, offline: opts.offline, messages: dbMessages(opts.quiet), sources });
  await writeOutput(renderDbUpdate(result, opts.format), undefined);
}

export async function dbStatus(opts: DbCliOptions): Promise<void> {
  const { dbDir, maxAgeDays: days } = dbSettings(opts, maxAgeDays(opts.maxAgeDays));
  const status = runDbStatus({ dbDir, maxAgeDays: days });
  await writeOutput(renderDbStatus(status, opts.format), undefined);
}

export async function dbExport(file: string, opts: DbCliOptions): Promise<void> {
  // Checked here: the exporter's write stream fails outside any promise a caller could catch.
  if (!existsSync(dirname(resolve(file)))) throw new InputError(`db export ${file}: directory ${dirname(resolve(file))} does not exist; create it first`);
  const manifest = await runDbExport(file, { dbDir: dbSettings(opts).dbDir, messages: dbMessages(opts.quiet) });
  if (!opts.quiet) process.stderr.write(`plimsoll: exported to ${file} (sha256 ${manifest.sha256})\n`);
}

export async function dbImport(file: string, opts: DbCliOptions): Promise<void> {
  const manifest = await runDbImport(file, { dbDir: dbSettings(opts).dbDir, messages: dbMessages(opts.quiet) });
  if (!opts.quiet) process.stderr.write(`plimsoll: imported database built ${manifest.builtAt} (sha256 ${manifest.sha256})\n`);
}

export async function dbPush(ref: string, opts: DbCliOptions): Promise<void> {
  const pushed = await runDbPush(ref, {
    dbDir: dbSettings(opts).dbDir,
    offline: opts.offline,
    messages: dbMessages(opts.quiet),
    ...(await registryOptions(opts)),
  });
  if (!opts.quiet)
    process.stderr.write(
      `plimsoll: pushed database built ${pushed.manifest.builtAt} to ${ref} (${pushed.digest})${pushed.layerUploaded ? '' : ' (layer already in the registry)'}\n`,
    );
}
