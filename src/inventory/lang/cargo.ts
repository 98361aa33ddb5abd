// Rust: Cargo.lock (every format version: `[[package]]` tables). Crates without a `source` are the
// workspace's own members and path dependencies: the project's code, not a dependency, so not reported.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import type { Package, ScanWarning } from '../../model/package.js';
import { cargoPurl } from '../../model/purl.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult } from '../analyzer.js';
import { langPackage } from './common/package.js';
import { perFile } from './common/per-file.js';
import { MAX_MANIFEST_SIZE, isObject, parseTomlFile, str } from './common/parse.js';

/** A project's Cargo.lock; crate sources unpacked in a registry (`.cargo/registry/src`, Debian's /usr/share/cargo/registry) carry their own. */
function isCargoLock(path: string): boolean {
  return (path === 'Cargo.lock' || path.endsWith('/Cargo.lock')) && !path.includes('cargo/registry/');
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const warnings: ScanWarning[] = [];
  const packages: Package[] = [];
  for (const file of ctx.fs.captured((f) => isCargoLock(f.path))) {
    packages.push(...perFile(file, warnings, () => readCargoLock(file, warnings)));
  }
  return { packages, warnings };
}

function readCargoLock(file: CapturedFile, warnings: ScanWarning[]): Package[] {
  const lock = parseTomlFile(file, warnings);
  if (!lock) return [];
  if (!Array.isArray(lock.package)) {
    warnings.push({ path: file.path, message: 'Cargo.lock has no [[package]] entries; skipped' });
    return [];
  }
  const packages: Package[] = [];
  for (const entry of lock.package.filter(isObject)) {
    const name = str(entry.name);
    const version = str(entry.version);
    const source = str(entry.source);
    if (!name || !version || !source) continue;
    // Crates from git or another registry say where from: the crates.io advisories may not apply.
    const metadata = source.startsWith('registry+') ? undefined : { source };
    packages.push(langPackage({ type: 'cargo', name, version, purl: cargoPurl(name, version), file, metadata }));
  }
  return packages;
}

export const cargoLockAnalyzer: Analyzer = {
  name: 'cargo-lock',
  version: 1,
  maxFileSize: MAX_MANIFEST_SIZE,
  wants: (info: FileInfo) => (info.type === 'file' || info.type === 'hardlink') && isCargoLock(info.path),
  analyze: async (ctx) => analyze(ctx),
};
