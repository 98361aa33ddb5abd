// pnpm-lock.yaml: lockfileVersion 5.x (`/name/1.0.0` keys), 6.x (`/name@1.0.0`) and 9.x (`name@1.0.0`, with `snapshots`).
import type { ScanWarning } from '../../model/warning.js';
import { isObject, str, type JsonObject } from '../common/parse.js';
import { devOnlyKeys } from './dev-only.js';
import type { LockedPackage } from './types.js';

/** A package key → name and version; peer suffixes (`(react@18.2.0)`, v5's `_react@18.2.0`) dropped. */
function pnpmKey(key: string, v5: boolean): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  if (v5) {
    const slash = bare.lastIndexOf('/');
    if (slash <= 0) return undefined;
    return { name: bare.slice(0, slash), version: bare.slice(slash + 1).replace(/_.*$/, '') };
  }
  // The first `@` after a scope's: what follows may be a URL or path that has its own `@`.
  const at = bare.indexOf('@', 1);
  return at > 0 ? { name: bare.slice(0, at), version: bare.slice(at + 1) } : undefined;
}

/** Not a registry version: a tarball URL, `file:` tarball or directory, git source (pnpm writes the real version in the entry, when it knows one). */
const isSource = (version: string): boolean => /^(?:file:|link:|https?:|git[+:]|github:)/.test(version);

/** `version` values in importers and snapshots: a plain version, `1.0.0(peer@2)`, or a `link:`/`file:` target. */
function depKey(name: string, value: unknown): string | undefined {
  const version = isObject(value) ? str(value.version) : typeof value === 'string' ? value : undefined;
  if (!version || version.startsWith('link:')) return undefined;
  return version.includes('@') && !version.startsWith('file:') ? version : `${name}@${version}`;
}

function depKeys(deps: unknown): string[] {
  return isObject(deps) ? Object.entries(deps).flatMap(([n, v]) => depKey(n, v) ?? []) : [];
}

/** v9 keeps no `dev` flag: it follows `snapshots` from every importer's dependencies and devDependencies. */
function devFromGraph(lock: JsonObject): Set<string> {
  const strip = (key: string): string => key.replace(/\(.*$/, '');
  const edges = new Map<string, string[]>();
  if (isObject(lock.snapshots)) {
    for (const [key, snap] of Object.entries(lock.snapshots)) {
      if (!isObject(snap)) continue;
      const next = [...depKeys(snap.dependencies), ...depKeys(snap.optionalDependencies)].map(strip);
      edges.set(strip(key), [...(edges.get(strip(key)) ?? []), ...next]);
    }
  }
  const importers = isObject(lock.importers) ? Object.values(lock.importers).filter(isObject) : [];
  const prod = importers.flatMap((i) => [...depKeys(i.dependencies), ...depKeys(i.optionalDependencies)]).map(strip);
  const dev = importers.flatMap((i) => depKeys(i.devDependencies)).map(strip);
  return devOnlyKeys(edges, prod, dev);
}

export function readPnpmLock(lock: JsonObject, path: string, warnings: ScanWarning[]): LockedPackage[] {
  const version = parseFloat(String(lock.lockfileVersion ?? ''));
  if (Number.isNaN(version)) {
    warnings.push({ path, message: 'pnpm lock file has no lockfileVersion; skipped' });
    return [];
  }
  if (!isObject(lock.packages)) return [];
  const v5 = version < 6;
  const dev = version >= 9 ? devFromGraph(lock) : undefined;
  const out: LockedPackage[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    const id = pnpmKey(key, v5);
    // Non-registry packages (`file:`, tarball URLs, git) carry their real version in the entry: with
    // their `name` before v9, under the key's name from v9 on.
    const name = (isObject(entry) ? str(entry.name) : undefined) ?? id?.name;
    const real = isObject(entry) && name && entry.version !== undefined ? { name, version: String(entry.version) } : id;
    if (!real) {
      warnings.push({ path, message: `package key ${key} names no version; skipped` });
      continue;
    }
    // A local directory (`file:../lib`) has no version in the lock: it is the project's own code, not a dependency release.
    if (isSource(real.version)) continue;
    const isDev = dev ? dev.has(key.replace(/\(.*$/, '')) : isObject(entry) && entry.dev === true;
    out.push({ ...real, dev: isDev });
  }
  return out;
}
