// Python distributions: installed metadata in site-packages/dist-packages first, then lock files and pinned requirements.
// Metadata an OS package installed (Debian's python3-*) is not a second package: its PyPI identity goes on the
// deb as `metadata.languagePurl`.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import { basename } from '../../image/paths.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { pep503Name, pypiPurl } from './purl.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult } from '../../inventory/analyzer.js';
import { langPackage } from '../common/package.js';
import { perFile } from '../common/per-file.js';
import { MAX_MANIFEST_SIZE, parseJsonFile, parseTomlFile, text } from '../common/parse.js';
import { readPipfileLock, readPoetryLock, readRequirements, readUvLock, type LockedDistribution } from './locks.js';
import { distributionPath, isInstalledMetadata, parseCoreMetadata } from './metadata.js';

function isRequirements(name: string): boolean {
  return name.startsWith('requirements') && name.endsWith('.txt');
}

/** A project's lock file; one inside site-packages came with an installed distribution and pins nothing here. */
function isLockFile(path: string): boolean {
  const name = basename(path);
  if (!(name === 'poetry.lock' || name === 'Pipfile.lock' || name === 'uv.lock' || isRequirements(name))) return false;
  return !path.includes('-packages/');
}

function readLock(file: CapturedFile, warnings: ScanWarning[]): LockedDistribution[] {
  const name = basename(file.path);
  if (isRequirements(name)) return readRequirements(text(file));
  if (name === 'Pipfile.lock') {
    const lock = parseJsonFile(file, warnings);
    return lock ? readPipfileLock(lock, file.path, warnings) : [];
  }
  const lock = parseTomlFile(file, warnings);
  if (!lock) return [];
  if (!Array.isArray(lock.package)) {
    warnings.push({ path: file.path, message: `${name} has no [[package]] entries; skipped` });
    return [];
  }
  return name === 'uv.lock' ? readUvLock(lock) : readPoetryLock(lock);
}

function pypiPackage(name: string, version: string, file: CapturedFile, extra: { licenses?: string[]; dev?: boolean } = {}): Package {
  const normal = pep503Name(name);
  return langPackage({
    type: 'pypi',
    name: normal,
    version,
    purl: pypiPurl(normal, version),
    file,
    licenses: extra.licenses,
    metadata: extra.dev ? { dev: true } : undefined,
  });
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const warnings: ScanWarning[] = [];
  const packages: Package[] = [];
  const seen = new Set<string>();
  const metadataFiles = ctx.fs.captured((f) => isInstalledMetadata(f.path));
  for (const file of metadataFiles) {
    const [meta] = perFile(file, warnings, () => [parseCoreMetadata(text(file))]);
    if (!meta) continue;
    if (!meta.name || !meta.version) {
      warnings.push({ path: file.path, message: `Python metadata has no ${meta.name ? 'Version' : 'Name'}; skipped` });
      continue;
    }
    // One distribution can ship a .dist-info and an .egg-info side by side: one package per directory of each name@version.
    const site = distributionPath(file.path).slice(0, distributionPath(file.path).lastIndexOf('/'));
    const key = `${site}\n${pep503Name(meta.name)}@${meta.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    packages.push(pypiPackage(meta.name, meta.version, file, { licenses: meta.licenses }));
  }

  for (const file of ctx.fs.captured((f) => isLockFile(f.path))) {
    const unique = new Set<string>();
    for (const d of perFile(file, warnings, () => readLock(file, warnings))) {
      const key = `${pep503Name(d.name)}@${d.version}`;
      if (unique.has(key)) continue;
      unique.add(key);
      packages.push(pypiPackage(d.name, d.version, file, { dev: d.dev }));
    }
  }
  return { packages, warnings, identityFiles: metadataFiles.map((f) => f.path) };
}

export const pythonAnalyzer: Analyzer = {
  name: 'python',
  version: 1,
  maxFileSize: MAX_MANIFEST_SIZE,
  wants(info: FileInfo): boolean {
    if (info.type !== 'file' && info.type !== 'hardlink') return false;
    return isInstalledMetadata(info.path) || isLockFile(info.path);
  },
  analyze: async (ctx) => analyze(ctx),
};
