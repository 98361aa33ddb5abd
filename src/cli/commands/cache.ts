import { Option } from 'commander';
import { Command } from '../env.js';

export interface CacheCommandOptions {
  cacheDir?: string;
  format: 'table' | 'json';
}

const actions = (): Promise<typeof import('../actions/cache.js')> => import('../actions/cache.js');
const DIR_HELP = 'layer cache directory (default $XDG_CACHE_HOME/plimsoll/layers or ~/.cache/plimsoll/layers)';

export function cacheCommand(): Command {
  const cache = new Command('cache').description(
    'the layer cache: what analysing each layer found, kept so rescans and shared base layers are not analysed again',
  );
  cache
    .command('status')
    .description('where the cache is, how many records, its size against its bound, and when it was least and most recently used')
    .option('--cache-dir <dir>', DIR_HELP)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: CacheCommandOptions) => (await actions()).cacheStatus(opts));
  cache
    .command('clean')
    .description('remove every record of the layer cache')
    .option('--cache-dir <dir>', DIR_HELP)
    .action(async (opts: CacheCommandOptions) => (await actions()).cacheClean(opts));
  for (const sub of cache.commands) sub.exitOverride();
  return cache;
}
