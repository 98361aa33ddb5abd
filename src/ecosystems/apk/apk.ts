// Alpine, Wolfi and Chainguard packages: the apk database lib/apk/db/installed.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import { packageId } from '../../model/inventory.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { apkPurl } from './purl.js';
import { byOwner, type Analyzer, type AnalyzerContext, type AnalyzerResult, type FinishContext } from '../../inventory/analyzer.js';
import { missingDatabase } from '../common/missing-database.js';

const INSTALLED = 'lib/apk/db/installed';
/** Distributions whose packages only apk records. */
const APK_FAMILIES = new Set(['alpine', 'wolfi', 'chainguard']);

export interface ApkEntry {
  name?: string;
  version?: string;
  arch?: string;
  origin?: string;
  license?: string;
  commit?: string;
  /** Files the package installed (`F:` directory + `R:` name), without a leading slash. */
  files: string[];
}

/** Parses the database: paragraphs of `K:value` lines separated by blank lines. */
export function parseApkInstalled(text: string): ApkEntry[] {
  const entries: ApkEntry[] = [];
  let entry: ApkEntry | undefined;
  let dir = '';
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      entry = undefined;
      continue;
    }
    if (line[1] !== ':') continue;
    if (!entry) {
      entry = { files: [] };
      dir = '';
      entries.push(entry);
    }
    const value = line.slice(2);
    switch (line[0]) {
      case 'P':
        entry.name = value;
        break;
      case 'V':
        entry.version = value;
        break;
      case 'A':
        entry.arch = value;
        break;
      case 'o':
        entry.origin = value;
        break;
      case 'L':
        entry.license = value;
        break;
      case 'c':
        entry.commit = value;
        break;
      case 'F':
        dir = value.replace(/^\/+|\/+$/g, '');
        break;
      case 'R':
        entry.files.push(dir ? `${dir}/${value}` : value);
        break;
    }
  }
  return entries;
}

function readDatabase(file: CapturedFile, ctx: AnalyzerContext, owned: Record<string, string>, warnings: ScanWarning[]): Package[] {
  const text = file.body.toString('utf8');
  if (text.trim() === '') {
    warnings.push({ path: file.path, message: 'apk database is empty: no packages recorded' });
    return [];
  }
  const entries = parseApkInstalled(text);
  const packages: Package[] = [];
  entries.forEach((entry, i) => {
    const { name, version } = entry;
    if (!name || !version) {
      const truncated = i === entries.length - 1 && !text.endsWith('\n');
      warnings.push({
        path: file.path,
        message: `${name ? `package ${name}` : `entry ${i + 1}`}: ${truncated ? 'truncated' : 'incomplete'} entry (missing ${name ? 'V' : 'P'}:); skipped`,
      });
      return;
    }
    const id = packageId('apk', name, version, file.path);
    for (const path of entry.files) owned[path] = id;
    const source = { name: entry.origin ?? name, version };
    packages.push({
      id,
      name,
      version,
      type: 'apk',
      purl: apkPurl({ name, version, arch: entry.arch, sourceName: source.name, sourceVersion: version }, ctx.os),
      source,
      ...(entry.arch ? { arch: entry.arch } : {}),
      ...(entry.license ? { licenses: [entry.license] } : {}),
      locations: [{ path: file.path, layer: file.layer }],
      ...(entry.commit ? { metadata: { commit: entry.commit } } : {}),
    });
  });
  return packages;
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const warnings: ScanWarning[] = [];
  const ownedFiles: Record<string, string> = {};
  const file = ctx.fs.read(INSTALLED);
  const packages = file ? readDatabase(file, ctx, ownedFiles, warnings) : [];
  return { packages, warnings, ownedFiles: byOwner(ownedFiles) };
}

/** An Alpine-family image whose merged view has no database says so: "0 packages" would read as clean. */
function finish(ctx: FinishContext): { packages: Package[]; warnings: ScanWarning[] } {
  const db = ctx.fs.resolve(INSTALLED);
  const missing = db?.type !== 'file' && db?.type !== 'hardlink' && APK_FAMILIES.has(ctx.os?.family ?? '');
  return { packages: ctx.packages, warnings: missing ? [missingDatabase(ctx.fs, INSTALLED, 'apk')] : [] };
}

export const apkAnalyzer: Analyzer = {
  name: 'apk',
  version: 1,
  ownsFiles: true,
  wants: (info: FileInfo) => info.path === INSTALLED,
  analyze: async (ctx) => analyze(ctx),
  finish,
};
