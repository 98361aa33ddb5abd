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
import type { Analyzer, AnalyzerContext, AnalyzerResult } from '../../inventory/analyzer.js';
import { OsIdentityRecorder } from '../common/os-owner.js';
import { langPackage } from '../common/package.js';
import { MAX_MANIFEST_SIZE, parseJsonFile, parseYamlFile, str, text } from '../common/parse.js';
import { perFile } from '../common/per-file.js';
import { appDirOf, isInstalledManifest, readInstalled } from './installed.js';
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

function readLock(ctx: AnalyzerContext, file: CapturedFile, warnings: ScanWarning[]): LockedPackage[] {
  const name = basename(file.path);
  if (name === 'yarn.lock') {
    // yarn.lock has no dev marks: they come from the app's package.json beside it.
    const appFile = ctx.fs.read(`${dirname(file.path) === '' ? '' : `${dirname(file.path)}/`}package.json`);
    const app: AppManifest = appFile ? parseJsonFile(appFile, warnings) : undefined;
    return readYarnLock(text(file), file.path, app, warnings);
  }
  if (name === 'pnpm-lock.yaml') {
    const lock = parseYamlFile(file, warnings);
    return lock ? readPnpmLock(lock, file.path, warnings) : [];
  }
  const lock = parseJsonFile(file, warnings);
  return lock ? readPackageLock(lock, file.path, warnings) : [];
}

/** A package.json an OS package installed (Alpine's npm, a distro's nodejs modules): its identity goes on that package. */
function recordOwned(recorder: OsIdentityRecorder, file: CapturedFile, warnings: ScanWarning[]): void {
  const manifest = parseJsonFile(file, warnings);
  const name = str(manifest?.name);
  const version = str(manifest?.version);
  if (name && version) recorder.add(file.path, npmPurl(name, version));
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const warnings: ScanWarning[] = [];
  const packages: Package[] = [];
  const recorder = new OsIdentityRecorder(ctx);
  const installedFiles: CapturedFile[] = [];
  for (const file of ctx.fs.captured((f) => isInstalledManifest(f.path))) {
    if (!recorder.isOwned(file.path)) installedFiles.push(file);
    else perFile(file, warnings, () => [recordOwned(recorder, file, warnings)]);
  }
  recorder.flush();
  const appsWithTree = new Set<string>();
  for (const p of readInstalled(ctx.fs, installedFiles, warnings)) {
    appsWithTree.add(appDirOf(p.file.path));
    packages.push(
      langPackage({ type: 'npm', name: p.name, version: p.version, purl: npmPurl(p.name, p.version), file: p.file, licenses: p.licenses, metadata: p.dev ? { dev: true } : undefined }),
    );
  }

  const locks = ctx.fs.captured((f) => isLockFile(f.path) && !ctx.ownedFiles.has(f.path));
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
        const pkg = langPackage({ type: 'npm', name: entry.name, version: entry.version, purl: npmPurl(entry.name, entry.version), file, metadata: entry.dev ? { dev: true } : undefined });
        seen.set(key, pkg);
        packages.push(pkg);
      }
    }
  }
  return { packages, warnings };
}

export const npmAnalyzer: Analyzer = {
  name: 'npm',
  maxFileSize: MAX_MANIFEST_SIZE,
  wants(info: FileInfo): boolean {
    if (!isRegular(info)) return false;
    return (info.path.endsWith('package.json') && (isInstalledManifest(info.path) || isProjectManifest(info.path))) || isLockFile(info.path);
  },
  analyze: async (ctx) => analyze(ctx),
};
