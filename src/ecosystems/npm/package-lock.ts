// npm's package-lock.json (lockfileVersion 1, 2, 3) and node_modules/.package-lock.json (the same format, v2/v3).
import type { ScanWarning } from '../../model/warning.js';
import { isObject, str, type JsonObject } from '../common/parse.js';
import type { LockedPackage } from './types.js';

const NODE_MODULES = 'node_modules/';

/** `npm:real-name@1.2.3` (an alias) → the real name and version. */
function unalias(name: string, version: string): { name: string; version: string } | undefined {
  if (!version.startsWith('npm:')) return version.includes(':') ? undefined : { name, version };
  const spec = version.slice(4);
  const at = spec.lastIndexOf('@');
  return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : undefined;
}

/** v2/v3 `packages`, keyed by install path; the root ('') and workspace folders are the app's own code. */
function readPackages(packages: JsonObject): LockedPackage[] {
  const out: LockedPackage[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    const at = path.lastIndexOf(NODE_MODULES);
    if (at < 0 || !isObject(entry) || entry.link === true) continue;
    const version = str(entry.version);
    const name = str(entry.name) ?? path.slice(at + NODE_MODULES.length);
    if (!version) continue;
    out.push({ name, version, dev: entry.dev === true, installPath: path });
  }
  return out;
}

/** v1 `dependencies`: nested objects whose own `dependencies` are installed under their `node_modules`. */
function readDependencies(deps: JsonObject, prefix: string, out: LockedPackage[]): void {
  for (const [key, entry] of Object.entries(deps)) {
    if (!isObject(entry)) continue;
    const installPath = `${prefix}${NODE_MODULES}${key}`;
    const identity = unalias(key, str(entry.version) ?? '');
    if (identity && identity.version !== '') out.push({ ...identity, dev: entry.dev === true, installPath });
    if (isObject(entry.dependencies)) readDependencies(entry.dependencies, `${installPath}/`, out);
  }
}

export function readPackageLock(lock: JsonObject, path: string, warnings: ScanWarning[]): LockedPackage[] {
  if (isObject(lock.packages)) return readPackages(lock.packages);
  if (isObject(lock.dependencies)) {
    const out: LockedPackage[] = [];
    readDependencies(lock.dependencies, '', out);
    return out;
  }
  // An app without dependencies has neither map; anything without a lockfileVersion is not a lock file.
  if (typeof lock.lockfileVersion !== 'number') warnings.push({ path, message: 'not an npm lock file (no lockfileVersion, no packages); skipped' });
  return [];
}
