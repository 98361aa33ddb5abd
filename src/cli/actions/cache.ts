import { LayerCache, type LayerCacheStatus } from '../../cache/layer-cache.js';
import { PlimsollError, errorMessage } from '../../errors.js';
import type { CacheCommandOptions } from '../commands/cache.js';
import { cacheDirectory } from '../layer-cache.js';
import { writeOutput } from '../output.js';

function openCache(opts: CacheCommandOptions): LayerCache {
  return LayerCache.open({ dir: cacheDirectory(opts), onWarning: (message) => process.stderr.write(`plimsoll: warning: ${message}\n`) });
}

/** 1536 → "1.5 KiB". */
function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function renderCacheStatus(status: LayerCacheStatus, format: 'table' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(status, null, 2)}\n`;
  return [
    `Layer cache: ${status.dir}`,
    `Records:     ${status.records}`,
    `Size:        ${formatBytes(status.bytes)} of ${formatBytes(status.maxBytes)}`,
    `Oldest use:  ${status.oldest?.toISOString() ?? '-'}`,
    `Newest use:  ${status.newest?.toISOString() ?? '-'}`,
    '',
  ].join('\n');
}

export async function cacheStatus(opts: CacheCommandOptions): Promise<void> {
  const cache = openCache(opts);
  try {
    await writeOutput(renderCacheStatus(cache.status(), opts.format), undefined);
  } finally {
    cache.close();
  }
}

export async function cacheClean(opts: CacheCommandOptions): Promise<void> {
  const cache = openCache(opts);
  try {
    const { records, bytes } = cache.clean();
    await writeOutput(`removed ${records} records (${formatBytes(bytes)}) from ${cache.dir}\n`, undefined);
  } catch (err) {
    throw new PlimsollError(`cache clean ${cache.dir}: ${errorMessage(err)}`);
  } finally {
    cache.close();
  }
}
