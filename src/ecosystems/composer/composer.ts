// PHP: composer.lock (`packages` and `packages-dev`) and vendor/composer/installed.json, in Composer 1's layout
// (a plain array) and Composer 2's (`{ packages, dev-package-names }`). An installed.json is what ships, so the
// lock file beside the same vendor/ directory is not read again.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { composerPurl } from './purl.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult } from '../../inventory/analyzer.js';
import { langPackage } from '../common/package.js';
import { perFile } from '../common/per-file.js';
import { MAX_MANIFEST_SIZE, isObject, parseJsonFile, parseJsonValue, str, type JsonObject } from '../common/parse.js';

const INSTALLED = 'vendor/composer/installed.json';

/** A project's composer.lock; one under vendor/ came with an installed package. */
function isLock(path: string): boolean {
  return (path === 'composer.lock' || path.endsWith('/composer.lock')) && !path.startsWith('vendor/') && !path.includes('/vendor/');
}

function isInstalled(path: string): boolean {
  return path === INSTALLED || path.endsWith(`/${INSTALLED}`);
}

function licenses(entry: JsonObject): string[] {
  return Array.isArray(entry.license) ? entry.license.filter((l): l is string => typeof l === 'string') : str(entry.license) ? [entry.license as string] : [];
}

function toPackages(entries: unknown[], dev: (name: string) => boolean, file: CapturedFile): Package[] {
  return entries.filter(isObject).flatMap((entry) => {
    const name = str(entry.name);
    const version = str(entry.version);
    if (!name || !version) return [];
    return [
      langPackage({
        type: 'composer',
        name,
        version,
        purl: composerPurl(name, version),
        file,
        licenses: licenses(entry),
        metadata: dev(name) ? { dev: true } : undefined,
      }),
    ];
  });
}

function readInstalled(doc: unknown, file: CapturedFile, warnings: ScanWarning[]): Package[] {
  if (Array.isArray(doc)) return toPackages(doc, () => false, file);
  if (isObject(doc) && Array.isArray(doc.packages)) {
    // Composer lists dev package names in lower case, as Packagist compares them.
    const devNames = new Set((Array.isArray(doc['dev-package-names']) ? doc['dev-package-names'] : []).map((n) => String(n).toLowerCase()));
    return toPackages(doc.packages, (name) => devNames.has(name.toLowerCase()), file);
  }
  warnings.push({ path: file.path, message: 'installed.json is neither a package list nor { "packages": [...] }; skipped' });
  return [];
}

function readLock(lock: JsonObject, file: CapturedFile, warnings: ScanWarning[]): Package[] {
  if (!Array.isArray(lock.packages) && !Array.isArray(lock['packages-dev'])) {
    warnings.push({ path: file.path, message: 'composer.lock has neither "packages" nor "packages-dev"; skipped' });
    return [];
  }
  const prod = Array.isArray(lock.packages) ? lock.packages : [];
  const dev = Array.isArray(lock['packages-dev']) ? lock['packages-dev'] : [];
  return [...toPackages(prod, () => false, file), ...toPackages(dev, () => true, file)];
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const warnings: ScanWarning[] = [];
  const packages: Package[] = [];
  const installedDirs = new Set<string>();
  for (const file of ctx.fs.captured((f) => isInstalled(f.path))) {
    installedDirs.add(file.path.slice(0, file.path.length - INSTALLED.length));
    packages.push(
      ...perFile(file, warnings, () => {
        const doc = parseJsonValue(file, warnings);
        return doc === undefined ? [] : readInstalled(doc, file, warnings);
      }),
    );
  }
  for (const file of ctx.fs.captured((f) => isLock(f.path))) {
    if (installedDirs.has(file.path.slice(0, file.path.length - 'composer.lock'.length))) continue;
    packages.push(
      ...perFile(file, warnings, () => {
        const lock = parseJsonFile(file, warnings);
        return lock ? readLock(lock, file, warnings) : [];
      }),
    );
  }
  return { packages, warnings };
}

export const composerAnalyzer: Analyzer = {
  name: 'composer',
  version: 1,
  maxFileSize: MAX_MANIFEST_SIZE,
  wants: (info: FileInfo) => (info.type === 'file' || info.type === 'hardlink') && (isLock(info.path) || isInstalled(info.path)),
  analyze: async (ctx) => analyze(ctx),
};
