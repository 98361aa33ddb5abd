// npm packages: the installed node_modules tree first (what ships), lock files for apps that have none.
//
// De-duplication: per project directory, an installed tree (`<app>/node_modules/**/package.json`) is
// the truth and the app's lock files (package-lock.json, node_modules/.package-lock.json, yarn.lock,
// pnpm-lock.yaml) are not reported: a lock entry that is installed would repeat it, and one that is
// not (dev dependencies left out by `npm ci --omit=dev`, an uninstalled package) does not ship.
// An app with no installed tree is reported from its first lock file, in the order of LOCK_FILES,
// each name@version once with the lock file as its location.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import { basename, dirname } from '../../image/paths.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { npmPurl } from './purl.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult, FinishContext } from '../../inventory/analyzer.js';
import type { FileFact } from '../../inventory/facts.js';
import { langPackage } from '../common/package.js';
import { isObject, MAX_MANIFEST_SIZE, parseJsonFile, parseYamlFile, text, type JsonObject } from '../common/parse.js';
import { perFile } from '../common/per-file.js';
import { dependencyEntries, PROD_FIELDS } from './dev-only.js';
import { appDirOf, devOnlyManifests, isInstalledManifest, readInstalled, type AppManifests } from './installed.js';
import { readPackageLock } from './package-lock.js';
import { readPnpmLock } from './pnpm-lock.js';
import type { AppManifest, LockedPackage } from './types.js';
import { readYarnLock } from './yarn-lock.js';

const HIDDEN_LOCK = 'node_modules/.package-lock.json';
const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', HIDDEN_LOCK] as const;
const LOCK_NAMES = new Set<string>(LOCK_FILES.filter((name) => name !== HIDDEN_LOCK));

function isRegular(info: FileInfo): boolean {
  return info.type === 'file' || info.type === 'hardlink';
}

/** Lock files of projects: not those that published packages carry inside node_modules. */
function isLockFile(path: string): boolean {
  if (path.endsWith(`/${HIDDEN_LOCK}`) || path === HIDDEN_LOCK) return !dirname(dirname(path)).split('/').includes('node_modules');
  return LOCK_NAMES.has(basename(path)) && !path.split('/').includes('node_modules');
}

function isProjectManifest(path: string): boolean {
  return basename(path) === 'package.json' && !path.split('/').includes('node_modules');
}

const DEPENDENCY_FIELDS = [...PROD_FIELDS, 'devDependencies'] as const;

/** What dev-only marks read of a package.json: its dependency maps (names and ranges), or why it does not read. */
export type ManifestDependencies = { dependencies: JsonObject } | { malformed: string };

/** A package.json's dependency maps, for the dev-only marks of the packages and lock entries of other layers. */
export const npmManifest: FileFact<ManifestDependencies> = {
  name: 'npm-manifest',
  version: 1,
  // Symlinks too: an app's package.json is looked up by its name.
  wants: (info) => (isRegular(info) || info.type === 'symlink') && isManifest(info.path),
  maxFileSize: MAX_MANIFEST_SIZE,
  extract(file) {
    const warnings: ScanWarning[] = [];
    const manifest = parseJsonFile(file, warnings);
    if (!manifest) return { malformed: warnings[0]?.message ?? 'not readable' };
    const fields = DEPENDENCY_FIELDS.flatMap((f) => (isObject(manifest[f]) ? [[f, Object.fromEntries(dependencyEntries(manifest, f))]] : []));
    return { dependencies: Object.fromEntries(fields) as JsonObject };
  },
};

function isManifest(path: string): boolean {
  return path.endsWith('package.json') && (isInstalledManifest(path) || isProjectManifest(path));
}

/** The app manifests of a layer's analysis, as the image stands after it; one that does not read is a warning. */
function appManifests(fs: AnalyzerContext['fs'], warnings: ScanWarning[]): AppManifests {
  return (path) => {
    const found = fs.fact(npmManifest, path);
    if (found && 'malformed' in found) warnings.push({ path: fs.resolve(path)?.path ?? path, message: found.malformed });
    return found && 'dependencies' in found ? found.dependencies : undefined;
  };
}

function readLock(ctx: AnalyzerContext, file: CapturedFile, warnings: ScanWarning[]): LockedPackage[] {
  const name = basename(file.path);
  if (name === 'yarn.lock') {
    // yarn.lock has no dev marks: they come from the app's package.json beside it.
    const app: AppManifest = appManifests(ctx.fs, warnings)(`${dirname(file.path) === '' ? '' : `${dirname(file.path)}/`}package.json`);
    return readYarnLock(text(file), file.path, app, warnings);
  }
  if (name === 'pnpm-lock.yaml') {
    const lock = parseYamlFile(file, warnings);
    return lock ? readPnpmLock(lock, file.path, warnings) : [];
  }
  const lock = parseJsonFile(file, warnings);
  return lock ? readPackageLock(lock, file.path, warnings) : [];
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const warnings: ScanWarning[] = [];
  const packages: Package[] = [];
  // One an OS package installed (Alpine's npm, a distro's nodejs modules) becomes that package's identity.
  const installedFiles = ctx.fs.captured((f) => isInstalledManifest(f.path));
  const appsWithTree = new Set<string>();
  for (const p of readInstalled(ctx.fs, installedFiles, warnings, appManifests(ctx.fs, warnings))) {
    appsWithTree.add(appDirOf(p.file.path));
    packages.push(
      langPackage({
        type: 'npm',
        name: p.name,
        version: p.version,
        purl: npmPurl(p.name, p.version),
        file: p.file,
        licenses: p.licenses,
        metadata: p.dev ? { dev: true } : undefined,
      }),
    );
  }

  const locks = ctx.fs.captured((f) => isLockFile(f.path));
  const reported = new Set<string>(appsWithTree);
  for (const lockName of LOCK_FILES) {
    for (const file of locks.filter((f) => f.path === lockName || f.path.endsWith(`/${lockName}`))) {
      const appDir = file.path.slice(0, file.path.length - lockName.length);
      if (reported.has(appDir)) continue;
      reported.add(appDir);
      const seen = new Map<string, Package>();
      for (const entry of perFile(file, warnings, () => readLock(ctx, file, warnings))) {
        const key = `${entry.name}@${entry.version}`;
        const known = seen.get(key);
        // Copies at several install paths count once; the package is dev-only when every copy is.
        if (known) {
          if (!entry.dev) delete known.metadata;
          continue;
        }
        const pkg = langPackage({
          type: 'npm',
          name: entry.name,
          version: entry.version,
          purl: npmPurl(entry.name, entry.version),
          file,
          metadata: entry.dev ? { dev: true } : undefined,
        });
        seen.set(key, pkg);
        packages.push(pkg);
      }
    }
  }
  return { packages, warnings, identityFiles: installedFiles.map((f) => f.path) };
}

/** The app directory and LOCK_FILES rank of a lock file. */
function lockOf(path: string): { appDir: string; rank: number } | undefined {
  const rank = LOCK_FILES.findIndex((name) => path === name || path.endsWith(`/${name}`));
  const name = LOCK_FILES[rank];
  return name === undefined ? undefined : { appDir: path.slice(0, path.length - name.length), rank };
}

/**
 * Over the merged image, where an app's files may come from several layers (`COPY package*.json`, then
 * `npm ci`): dev-only marks follow the whole installed tree, and an app with an installed tree, or
 * with a better lock file, is not reported from its other lock files.
 */
function finish(ctx: FinishContext): { packages: Package[]; warnings: ScanWarning[] } {
  const installed = ctx.packages.filter((p) => isInstalledManifest(p.locations[0]?.path ?? ''));
  const dependencies = (path: string): JsonObject | undefined => {
    const found = ctx.facts.of(npmManifest, path);
    return found && 'dependencies' in found ? found.dependencies : undefined;
  };
  const manifests = installed.flatMap((p) => {
    const path = p.locations[0]?.path ?? '';
    const manifest = dependencies(path);
    return manifest ? [{ path, manifest }] : [];
  });
  const dev = devOnlyManifests(ctx.fs, manifests, dependencies);
  const appsWithTree = new Set(installed.map((p) => appDirOf(p.locations[0]?.path ?? '')));
  const bestLock = new Map<string, number>();
  for (const p of ctx.packages) {
    const lock = lockOf(p.locations[0]?.path ?? '');
    if (lock && !isInstalledManifest(p.locations[0]?.path ?? '')) bestLock.set(lock.appDir, Math.min(bestLock.get(lock.appDir) ?? lock.rank, lock.rank));
  }
  const packages = ctx.packages.flatMap((p) => {
    const path = p.locations[0]?.path ?? '';
    if (isInstalledManifest(path)) {
      const { metadata: _old, ...base } = p;
      const { dev: _dev, ...rest } = p.metadata ?? {};
      const metadata = dev.has(path) ? { ...rest, dev: true } : rest;
      return [Object.keys(metadata).length > 0 ? { ...base, metadata } : base];
    }
    const lock = lockOf(path);
    return lock && (appsWithTree.has(lock.appDir) || bestLock.get(lock.appDir) !== lock.rank) ? [] : [p];
  });
  return { packages, warnings: [] };
}

export const npmAnalyzer: Analyzer = {
  name: 'npm',
  version: 1,
  maxFileSize: MAX_MANIFEST_SIZE,
  wants(info: FileInfo): boolean {
    if (!isRegular(info)) return false;
    return isManifest(info.path) || isLockFile(info.path);
  },
  analyze: async (ctx) => analyze(ctx),
  facts: [npmManifest],
  finish,
  finishFacts: [npmManifest],
};
