import { formatPurl } from '../../model/purl.js';

/**
 * `pkg:golang/github.com/google/uuid@v1.3.0`: the module path split at its last '/', lower-cased as
 * the golang type requires; the standard library is `pkg:golang/stdlib@v1.19.8`, as OSV names it.
 */
export function golangPurl(modulePath: string, version: string): string {
  const path = modulePath.toLowerCase();
  const slash = path.lastIndexOf('/');
  return formatPurl({
    type: 'golang',
    ...(slash > 0 ? { namespace: path.slice(0, slash) } : {}),
    name: path.slice(slash + 1),
    version,
  });
}
