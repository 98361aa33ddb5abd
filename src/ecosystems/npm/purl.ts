import { formatPurl } from '../../model/purl.js';

/** `pkg:npm/%40babel/core@7.24.0`: a scope is the namespace, with its `@` (encoded as `%40`). */
export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  return slash > 0
    ? formatPurl({ type: 'npm', namespace: name.slice(0, slash), name: name.slice(slash + 1), version })
    : formatPurl({ type: 'npm', name, version });
}
