// .NET: `*.deps.json` (what a published app loads: its `libraries` of type "package", and the runtime a
// self-contained app bundles, type "runtimepack", keyed `runtimepack.<NuGet id>/<version>`) and NuGet's
// `packages.lock.json` (per target framework; each id@version once). Projects are the app's own code.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { nugetPurl } from './purl.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult } from '../../inventory/analyzer.js';
import { langPackage } from '../common/package.js';
import { perFile } from '../common/per-file.js';
import { MAX_MANIFEST_SIZE, isObject, parseJsonFile, str, type JsonObject } from '../common/parse.js';

function isDepsJson(path: string): boolean {
  return path.endsWith('.deps.json');
}

function isPackagesLock(path: string): boolean {
  return path === 'packages.lock.json' || path.endsWith('/packages.lock.json');
}

const RUNTIME_PACK = 'runtimepack.';

/** `libraries` keys are `Id/Version` (`runtimepack.Id/Version` for a bundled runtime, which NuGet publishes as `Id`). */
function readDepsJson(doc: JsonObject, file: CapturedFile, warnings: ScanWarning[]): [string, string][] {
  if (!isObject(doc.libraries)) {
    warnings.push({ path: file.path, message: 'deps.json has no "libraries"; skipped' });
    return [];
  }
  return Object.entries(doc.libraries).flatMap(([key, lib]) => {
    const slash = key.lastIndexOf('/');
    if (!isObject(lib) || slash <= 0) return [];
    const id = key.slice(0, slash);
    if (lib.type === 'package') return [[id, key.slice(slash + 1)] as [string, string]];
    if (lib.type === 'runtimepack' && id.startsWith(RUNTIME_PACK)) return [[id.slice(RUNTIME_PACK.length), key.slice(slash + 1)] as [string, string]];
    return [];
  });
}

function readPackagesLock(doc: JsonObject, file: CapturedFile, warnings: ScanWarning[]): [string, string][] {
  if (!isObject(doc.dependencies)) {
    warnings.push({ path: file.path, message: 'packages.lock.json has no "dependencies"; skipped' });
    return [];
  }
  return Object.values(doc.dependencies)
    .filter(isObject)
    .flatMap((framework) =>
      Object.entries(framework).flatMap(([id, dep]) => {
        const resolved = isObject(dep) ? str(dep.resolved) : undefined;
        return isObject(dep) && dep.type !== 'Project' && resolved ? [[id, resolved] as [string, string]] : [];
      }),
    );
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const warnings: ScanWarning[] = [];
  const packages: Package[] = [];
  for (const file of ctx.fs.captured((f) => isDepsJson(f.path) || isPackagesLock(f.path))) {
    const found = perFile(file, warnings, () => {
      const doc = parseJsonFile(file, warnings);
      if (!doc) return [];
      return [...(isDepsJson(file.path) ? readDepsJson(doc, file, warnings) : readPackagesLock(doc, file, warnings))];
    });
    // NuGet ids are case-insensitive: one package per id@version whatever the spelling or framework.
    const seen = new Set<string>();
    for (const [id, version] of found) {
      const key = `${id.toLowerCase()}@${version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      packages.push(langPackage({ type: 'nuget', name: id, version, purl: nugetPurl(id, version), file }));
    }
  }
  return { packages, warnings };
}

export const dotnetAnalyzer: Analyzer = {
  name: 'dotnet',
  version: 1,
  maxFileSize: MAX_MANIFEST_SIZE,
  wants: (info: FileInfo) => (info.type === 'file' || info.type === 'hardlink') && (isDepsJson(info.path) || isPackagesLock(info.path)),
  analyze: async (ctx) => analyze(ctx),
};
