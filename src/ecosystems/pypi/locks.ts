// Python lock files: poetry.lock, Pipfile.lock, uv.lock (TOML/JSON), and requirements*.txt lines pinned with `==`.
import type { ScanWarning } from '../../model/warning.js';
import { isObject, str, type JsonObject } from '../common/parse.js';

export interface LockedDistribution {
  name: string;
  version: string;
  dev: boolean;
}

/** poetry.lock `[[package]]`; Poetry before 1.5 marks development packages `category = "dev"`. */
export function readPoetryLock(lock: JsonObject): LockedDistribution[] {
  const packages = Array.isArray(lock.package) ? lock.package.filter(isObject) : [];
  return packages.flatMap((p) => {
    const name = str(p.name);
    const version = str(p.version);
    return name && version ? [{ name, version, dev: p.category === 'dev' }] : [];
  });
}

/** uv.lock `[[package]]`: the project itself (an editable or virtual source) is the app, not a dependency. */
export function readUvLock(lock: JsonObject): LockedDistribution[] {
  const packages = Array.isArray(lock.package) ? lock.package.filter(isObject) : [];
  return packages.flatMap((p) => {
    const name = str(p.name);
    const version = str(p.version);
    const source = isObject(p.source) ? p.source : {};
    if (!name || !version || 'editable' in source || 'virtual' in source) return [];
    return [{ name, version, dev: false }];
  });
}

/** Pipfile.lock: `default` and `develop` sections of `name: { version: "==1.2.3" }`; a package only in `develop` is dev. */
export function readPipfileLock(lock: JsonObject, path: string, warnings: ScanWarning[]): LockedDistribution[] {
  if (!isObject(lock.default) && !isObject(lock.develop)) {
    warnings.push({ path, message: 'Pipfile.lock has neither "default" nor "develop"; skipped' });
    return [];
  }
  const section = (value: unknown, dev: boolean): LockedDistribution[] =>
    isObject(value)
      ? Object.entries(value).flatMap(([name, entry]) => {
          const version = isObject(entry) ? str(entry.version)?.replace(/^===?/, '') : undefined;
          return version ? [{ name, version, dev }] : [];
        })
      : [];
  const prod = section(lock.default, false);
  const names = new Set(prod.map((p) => p.name));
  return [...prod, ...section(lock.develop, true).filter((p) => !names.has(p.name))];
}

const PINNED = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;,#\\]+)\s*(?:[;#\\].*)?$/;

/** requirements*.txt: only `name==version` lines (extras, markers, hashes allowed); options, ranges, URLs are not pins. */
export function readRequirements(text: string): LockedDistribution[] {
  const out: LockedDistribution[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('-')) continue;
    const m = PINNED.exec(line.replace(/\s+--hash[= ]\S+/g, ''));
    if (m?.[1] && m[2] && !m[2].includes('*')) out.push({ name: m[1], version: m[2], dev: false });
  }
  return out;
}
