import { formatPurl } from '../../model/purl.js';

/** `pkg:gem/rack@3.0.8`, with `platform` when the gem is not the pure-Ruby build. */
export function gemPurl(name: string, version: string, platform?: string): string {
  return formatPurl({ type: 'gem', name, version, qualifiers: { platform: platform === 'ruby' ? undefined : platform } });
}
