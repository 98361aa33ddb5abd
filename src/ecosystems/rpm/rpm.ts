// The rpm analyzer: installed packages from the image's rpm database (SQLite, NDB or
// Berkeley DB), read in TypeScript; no rpm binary is run.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import { packageId } from '../../model/inventory.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { rpmPurl } from './purl.js';
import { byOwner, type Analyzer, type AnalyzerContext, type AnalyzerResult, type FinishContext } from '../../inventory/analyzer.js';
import { readRpmDatabase } from './rpmdb/database.js';
import type { RpmHeader } from './rpmdb/header.js';
import type { OsInfo } from '../../model/os.js';

/** Database file names, newest backend first: a directory converted to SQLite may keep a stale `Packages`. */
const DB_NAMES = ['rpmdb.sqlite', 'Packages.db', 'Packages'];
/** rpm's `%_dbpath` across distributions: classic, moved under /usr (Fedora ≥ 36, SUSE), rpm-ostree. */
const DB_DIRS = ['var/lib/rpm', 'usr/lib/sysimage/rpm', 'usr/share/rpm'];
const DB_PATHS = DB_NAMES.flatMap((name) => DB_DIRS.map((dir) => `${dir}/${name}`));
const PRIORITY = new Map(DB_PATHS.map((path, i) => [path, i]));
/** Problems quoted in one warning; the rest are counted. */
const QUOTED_PROBLEMS = 3;

export const rpmAnalyzer: Analyzer = {
  name: 'rpm',
  version: 1,
  ownsFiles: true,
  wants: (info: FileInfo) => PRIORITY.has(info.path),
  // A full server's Berkeley DB `Packages` can pass 100 MiB.
  maxFileSize: 256 * 1024 * 1024,
  analyze: (ctx: AnalyzerContext) => Promise.resolve(analyzeRpm(ctx)),
  finish: keepFirstDatabase,
};

/** Databases written by different layers (a stale `Packages` below a converted `rpmdb.sqlite`): only the first in priority order counts. */
function keepFirstDatabase(ctx: FinishContext): { packages: Package[]; warnings: ScanWarning[] } {
  const rank = (p: Package): number => PRIORITY.get(p.locations[0]?.path ?? '') ?? 0;
  const first = Math.min(...ctx.packages.map(rank));
  return { packages: ctx.packages.filter((p) => rank(p) === first), warnings: [] };
}

/**
 * Reads the first database that yields packages, in priority order, so a stale database
 * left next to the live one is not reported twice; damage in any database read is a warning.
 */
export function analyzeRpm(ctx: AnalyzerContext): AnalyzerResult {
  const candidates = ctx.fs.captured((file) => PRIORITY.has(file.path)).sort((a, b) => (PRIORITY.get(a.path) ?? 0) - (PRIORITY.get(b.path) ?? 0));
  const warnings: ScanWarning[] = [];
  for (const file of candidates) {
    const db = readRpmDatabase(file.body);
    if (db.problems.length > 0) warnings.push(damageWarning(file.path, db.problems, db.headers.length));
    if (db.headers.length === 0) continue;
    const ownedFiles: Record<string, string> = {};
    const packages = db.headers.map((header) => {
      const id = rpmPackageId(header, file);
      recordOwned(ctx, header, id, ownedFiles);
      return toPackage(header, id, file, ctx.os);
    });
    return { packages, warnings, ownedFiles: byOwner(ownedFiles) };
  }
  return { packages: [], warnings };
}

function damageWarning(path: string, problems: string[], read: number): ScanWarning {
  const quoted = problems.slice(0, QUOTED_PROBLEMS).join('; ');
  const more = problems.length > QUOTED_PROBLEMS ? `; and ${problems.length - QUOTED_PROBLEMS} more problems` : '';
  return { path, message: `rpm database is damaged (${quoted}${more}); ${read} package${read === 1 ? '' : 's'} could still be read` };
}

/** `name-version-release.src.rpm` → source name and `version-release`. */
export function parseSourceRpm(fileName: string): { name: string; version: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(fileName);
  return m?.[1] && m[2] && m[3] ? { name: m[1], version: `${m[2]}-${m[3]}` } : undefined;
}

/** Records a package's files as OS-owned, at their real path too when a symlinked directory (merged /usr) puts them elsewhere. */
function recordOwned(ctx: AnalyzerContext, header: RpmHeader, owner: string, owned: Record<string, string>): void {
  for (const path of header.files) {
    owned[path] = owner;
    // Like lstat: parent symlinks are followed, so the entry carries its real path.
    const real = ctx.fs.get(path)?.path;
    if (real && real !== path) owned[real] = owner;
  }
}

/** NEVRA-style: multilib systems install the same name and version once per arch. */
function rpmPackageId(header: RpmHeader, file: CapturedFile): string {
  const version = `${header.epoch ? `${header.epoch}:` : ''}${header.version}-${header.release}`;
  return packageId('rpm', header.name, header.arch ? `${version}.${header.arch}` : version, file.path);
}

function toPackage(header: RpmHeader, id: string, file: CapturedFile, os: OsInfo | undefined): Package {
  const { name, epoch, release, arch, license, vendor, modularityLabel } = header;
  // gpg-pubkey entries store the literal "(none)" as their source RPM.
  const sourceRpm = header.sourceRpm === '(none)' ? undefined : header.sourceRpm;
  // Epoch 0 and no epoch compare the same in rpm; the version shows it only when it matters.
  const version = `${epoch ? `${epoch}:` : ''}${header.version}-${release}`;
  const source = sourceRpm ? parseSourceRpm(sourceRpm) : undefined;
  const metadata: Record<string, string | number> = { release };
  if (epoch !== undefined) metadata.epoch = epoch;
  if (sourceRpm) metadata.sourceRpm = sourceRpm;
  if (modularityLabel) metadata.modularityLabel = modularityLabel;
  if (vendor) metadata.vendor = vendor;
  return {
    id,
    name,
    version,
    type: 'rpm',
    purl: rpmPurl({ name, epoch, version: header.version, release, arch, sourceRpm }, os),
    ...(source ? { source } : {}),
    ...(arch ? { arch } : {}),
    ...(license ? { licenses: [license] } : {}),
    locations: [{ path: file.path, layer: file.layer }],
    metadata,
  };
}
