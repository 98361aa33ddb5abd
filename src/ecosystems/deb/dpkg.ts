// Debian packages: the dpkg status database (or distroless status.d/), owned files and DEP-5 licences.
import type { CapturedFile, FileInfo, ImageFilesystem } from '../../image/files.js';
import { packageId } from '../../model/inventory.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { debPurl } from './purl.js';
import { missingDatabase } from '../common/missing-database.js';
import { byOwner, type Analyzer, type AnalyzerContext, type AnalyzerResult, type FinishContext, type LayerFilesystem } from '../../inventory/analyzer.js';
import type { FileFact } from '../../inventory/facts.js';
import { deb822Paragraphs, linesOf, parseDeb822, type Paragraph } from './deb822.js';

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const INFO = 'var/lib/dpkg/info/';
const DOC = 'usr/share/doc/';

function isStatusFile(path: string): boolean {
  return path === STATUS || (path.startsWith(STATUS_D) && !path.slice(STATUS_D.length).includes('/'));
}

function isInfoFile(path: string): boolean {
  return path.startsWith(INFO) && (path.endsWith('.list') || path.endsWith('.md5sums'));
}

/** `usr/share/doc/<pkg>/copyright`, exactly one directory deep. */
function isCopyright(path: string): boolean {
  if (!path.startsWith(DOC) || !path.endsWith('/copyright')) return false;
  return !path.slice(DOC.length, -'/copyright'.length).includes('/');
}

/** Licence short names of a machine-readable (DEP-5) copyright file; none for free-form ones. */
export function dep5Licenses(text: string): string[] {
  const paragraphs = parseDeb822(text);
  const header = paragraphs[0];
  if (!header || !/copyright-format|dep5/i.test(header.get('Format') ?? header.get('Format-Specification') ?? '')) return [];
  const names = new Set<string>();
  const withFiles = paragraphs.filter((p) => p.has('Files'));
  for (const paragraph of withFiles.length > 0 ? withFiles : paragraphs) {
    const name = paragraph.get('License')?.split('\n')[0]?.trim();
    if (name) names.add(name);
  }
  return [...names];
}

/** A status file is parsed a window at a time, so one past the default 64 MiB (an archive mirror's worth) is still read. */
const MAX_FILE_SIZE = 256 * 1024 * 1024;

/** A package's DEP-5 licences, from its copyright file (which a lower layer than the status file may hold). */
export const debCopyrightLicenses: FileFact<string[]> = {
  name: 'deb-copyright-licenses',
  version: 1,
  wants: (info) => isCopyright(info.path),
  maxFileSize: MAX_FILE_SIZE,
  extract: (file) => dep5Licenses(file.body.toString('utf8')),
};

interface DebEntry {
  name: string;
  version: string;
  arch: string;
  sourceName: string;
  sourceVersion: string;
  /** The database file that records the package. */
  file: CapturedFile;
}

/** `Source: name (version)` → name and version; the binary's own when absent. */
function sourceOf(paragraph: Paragraph, name: string, version: string): { sourceName: string; sourceVersion: string } {
  const m = /^(\S+)(?:\s+\((.+)\))?/.exec(paragraph.get('Source') ?? '');
  return { sourceName: m?.[1] ?? name, sourceVersion: m?.[2]?.trim() || version };
}

/**
 * Installed packages of one database file. dpkg-query lists `ii` and `hi` (held) entries; distroless
 * paragraphs have no Status and count as installed. Incomplete paragraphs become warnings.
 */
function readDatabase(file: CapturedFile, distroless: boolean, warnings: ScanWarning[]): DebEntry[] {
  const body = file.body;
  const entries: DebEntry[] = [];
  // One paragraph ahead, to know which is the last (a file cut short truncates only that one).
  const paragraphs = deb822Paragraphs(linesOf(body));
  const advance = (): Paragraph | undefined => paragraphs.next().value ?? undefined;
  let next = advance();
  if (!next && body.every((b) => b <= 0x20)) {
    warnings.push({ path: file.path, message: 'dpkg database is empty: no packages recorded' });
    return [];
  }
  for (let i = 0; next; i++) {
    const paragraph = next;
    next = advance();
    const name = paragraph.get('Package');
    const status = paragraph.get('Status');
    const version = paragraph.get('Version');
    const arch = paragraph.get('Architecture');
    if (!name || !version || !arch || (!distroless && !status)) {
      const what = name ? `package ${name}` : `paragraph ${i + 1}`;
      const truncated = !next && body[body.length - 1] !== 0x0a;
      warnings.push({
        path: file.path,
        message: `${what}: ${truncated ? 'truncated' : 'incomplete'} entry (missing ${[!name && 'Package', !version && 'Version', !arch && 'Architecture', !distroless && !status && 'Status'].filter(Boolean).join(', ')}); skipped`,
      });
      continue;
    }
    if (status) {
      const [want, , state] = status.split(/\s+/);
      if ((want !== 'install' && want !== 'hold') || state !== 'installed') continue;
    }
    entries.push({ name, version, arch, ...sourceOf(paragraph, name, version), file });
  }
  return entries;
}

const MD5_PREFIX = /^[0-9a-f]+\s+/;

const isHexDigit = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);

/** The path of an `.md5sums` line: past the digest and the spaces after it. */
function md5sumsPath(line: string): string {
  // As dpkg writes them (32 hex digits, two spaces, a path that starts with a printable character), cut
  // by index; any other shape by the pattern.
  let hex = 0;
  while (hex < 32 && isHexDigit(line.charCodeAt(hex))) hex++;
  const first = line.charCodeAt(34);
  if (hex === 32 && line[32] === ' ' && line[33] === ' ' && first > 0x20 && first < 0x7f) return line.slice(34);
  return line.replace(MD5_PREFIX, '');
}

/** Owned paths (no leading or trailing slash) from a `.list` (one path a line) or `.md5sums` (`<md5>  <path>`). */
function* ownedPaths(file: CapturedFile): Generator<string> {
  const md5 = file.path.endsWith('.md5sums');
  for (const line of linesOf(file.body)) {
    const text = md5 ? md5sumsPath(line) : line;
    // Slashes trimmed by index: a package database lists tens of thousands of paths.
    let start = 0;
    let end = text.length;
    while (start < end && text.charCodeAt(start) === 0x2f) start++;
    while (end > start && text.charCodeAt(end - 1) === 0x2f) end--;
    const path = start === 0 && end === text.length ? text : text.slice(start, end);
    if (path !== '' && path !== '.') yield path;
  }
}

/**
 * Adds a package's paths and, when a symlinked directory (merged /usr) puts one elsewhere, where it
 * really is. A path its `.list` and `.md5sums` both name is resolved once.
 */
function addOwned(fs: ImageFilesystem, owned: Record<string, string>, files: readonly CapturedFile[], owner: string): void {
  const seen = new Set<string>();
  for (const file of files) {
    for (const path of ownedPaths(file)) {
      if (seen.has(path)) continue;
      seen.add(path);
      owned[path] = owner;
      const real = fs.realPath(path);
      if (real && real !== path) owned[real] = owner;
    }
  }
}

/**
 * The file lists of a package this layer wrote (dpkg writes them when it installs the package, with the
 * database): a package installed below keeps the owned files that layer's analysis recorded, which the
 * applier joins by package id, so a layer's result never repeats them.
 */
function infoFiles(fs: LayerFilesystem, entry: DebEntry): CapturedFile[] {
  if (entry.file.path !== STATUS) {
    const md5 = fs.read(`${entry.file.path}.md5sums`);
    return md5 ? [md5] : [];
  }
  const names = [`${entry.name}:${entry.arch}`, entry.name];
  return names.flatMap((n) => [fs.read(`${INFO}${n}.list`), fs.read(`${INFO}${n}.md5sums`)]).filter((f): f is CapturedFile => f !== undefined);
}

const isFile = (file: FileInfo | undefined): boolean => file?.type === 'file' || file?.type === 'hardlink';

const isDistrolessFile = (f: CapturedFile): boolean => isStatusFile(f.path) && f.path !== STATUS && !f.path.endsWith('.md5sums');

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const { fs } = ctx;
  const warnings: ScanWarning[] = [];
  const ownedFiles: Record<string, string> = {};
  const entries: DebEntry[] = [];
  const status = fs.read(STATUS);
  if (status) entries.push(...readDatabase(status, false, warnings));
  const seen = new Set(entries.map((e) => `${e.name}:${e.arch}`));
  const distroless = fs.captured(isDistrolessFile).sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const file of distroless) {
    // status.d also holds files that are not control paragraphs (`<pkg>.md5sums`, sometimes others).
    if (!file.body.subarray(0, 8).toString('latin1').startsWith('Package:')) continue;
    for (const entry of readDatabase(file, true, warnings)) {
      if (!seen.has(`${entry.name}:${entry.arch}`)) entries.push(entry);
    }
  }

  const packages: Package[] = entries.map((entry) => {
    const id = packageId('deb', entry.name, entry.version, entry.file.path, entry.arch);
    addOwned(fs, ownedFiles, infoFiles(fs, entry), id);
    const licenses = fs.fact(debCopyrightLicenses, `${DOC}${entry.name}/copyright`) ?? [];
    return {
      id,
      name: entry.name,
      version: entry.version,
      type: 'deb',
      purl: debPurl(entry, ctx.os),
      source: { name: entry.sourceName, version: entry.sourceVersion },
      arch: entry.arch,
      ...(licenses.length > 0 ? { licenses } : {}),
      locations: [{ path: entry.file.path, layer: entry.file.layer }],
    };
  });
  return { packages, warnings, ownedFiles: byOwner(ownedFiles) };
}

/** `status` and status.d/ in different layers: a package `status` lists is not listed again; a Debian image without either says so. */
function finish(ctx: FinishContext): { packages: Package[]; warnings: ScanWarning[] } {
  const warnings: ScanWarning[] = [];
  const inStatus = new Set(ctx.packages.filter((p) => p.locations[0]?.path === STATUS).map((p) => `${p.name}:${p.arch ?? ''}`));
  const packages = ctx.packages.filter((p) => p.locations[0]?.path === STATUS || !inStatus.has(`${p.name}:${p.arch ?? ''}`));
  const hasDatabase = isFile(ctx.fs.resolve(STATUS)) || ctx.fs.resolve(STATUS_D.slice(0, -1))?.type === 'dir';
  if (!hasDatabase && (ctx.os?.family === 'debian' || ctx.os?.family === 'ubuntu')) warnings.push(missingDatabase(ctx.fs, STATUS, 'dpkg'));
  return { packages, warnings };
}

export const dpkgAnalyzer: Analyzer = {
  name: 'dpkg',
  version: 1,
  ownsFiles: true,
  wants(info: FileInfo): boolean {
    return isStatusFile(info.path) || isInfoFile(info.path) || isCopyright(info.path);
  },
  maxFileSize: MAX_FILE_SIZE,
  analyze: async (ctx) => analyze(ctx),
  facts: [debCopyrightLicenses],
  finish,
};
