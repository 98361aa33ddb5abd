// Distribution detection: which OS an image is, from os-release and the older release files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileInfo, ImageFilesystem, IndexedFile } from '../image/files.js';
import type { OsInfo } from '../model/os.js';
import type { FileFact } from './facts.js';

/** Files detection reads; os-release first, the others are fall-backs or refine the version. */
export const OS_FILES = [
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'etc/debian_version',
  'etc/redhat-release',
  'etc/system-release',
] as const;

const WANTED = new Set<string>(OS_FILES);

/** The file-index predicate for detection: the release files, and the symlinks that lead to them. */
export function osFilesWanted(info: FileInfo): boolean {
  return WANTED.has(info.path) && info.size <= 64 * 1024;
}

/** A release file's text, for detecting the OS as the image stands after a layer that does not hold it. */
export const releaseText: FileFact<string> = {
  name: 'os-release',
  version: 1,
  wants: osFilesWanted,
  extract: (file) => file.body.toString('utf8'),
};

/** Parses os-release (a shell-like KEY=value list); tolerates odd quoting rather than failing. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    fields[key] = unquote(line.slice(eq + 1).trim());
  }
  return fields;
}

function unquote(value: string): string {
  const q = value[0];
  if (q === '"' || q === "'") {
    // An unterminated quote keeps the rest of the line; a quoted value followed by junk keeps the quoted part.
    let end = 1;
    while (end < value.length && value[end] !== q) end += q === '"' && value[end] === '\\' ? 2 : 1;
    const inner = value.slice(1, end);
    return q === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
  }
  return value.replace(/\s+#.*$/, '');
}

/** os-release ID → family name used across Plimsoll (matchers, purl namespaces, the release table). */
const ID_TO_FAMILY: Record<string, string> = {
  debian: 'debian',
  ubuntu: 'ubuntu',
  alpine: 'alpine',
  wolfi: 'wolfi',
  chainguard: 'chainguard',
  rhel: 'rhel',
  centos: 'centos',
  rocky: 'rocky',
  almalinux: 'almalinux',
  ol: 'oracle',
  fedora: 'fedora',
  amzn: 'amazon',
  sles: 'sles',
  sles_sap: 'sles',
  'opensuse-leap': 'opensuse-leap',
  opensuse: 'opensuse-leap',
  'opensuse-tumbleweed': 'opensuse-tumbleweed',
  photon: 'photon',
  mariner: 'cbl-mariner',
  azurelinux: 'azurelinux',
  bottlerocket: 'bottlerocket',
  flatcar: 'flatcar',
};

interface ReleaseEntry {
  codename?: string;
  released?: string;
  eol?: string;
}

let releaseTable: Record<string, Record<string, ReleaseEntry>> | undefined;

function releases(): Record<string, Record<string, ReleaseEntry>> {
  // data/ sits two levels above both src/inventory/ and dist/inventory/.
  releaseTable ??= JSON.parse(readFileSync(join(import.meta.dirname, '../../data/os-releases.json'), 'utf8')) as Record<string, Record<string, ReleaseEntry>>;
  return releaseTable;
}

/** The release-table entry for a version: exact, then with trailing components dropped. */
export function lookupRelease(family: string, version: string): ReleaseEntry | undefined {
  const table = releases()[family];
  if (!table) return undefined;
  const parts = version.split('.');
  for (let n = parts.length; n > 0; n--) {
    const entry = table[parts.slice(0, n).join('.')];
    if (entry) return entry;
  }
  return undefined;
}

/** What detection reads: the release files' text, and lookups (a distroless image has no shell). */
export interface ReleaseFiles {
  text(path: string): string | undefined;
  resolve(path: string): IndexedFile | undefined;
}

/** The release files a filesystem holds, read as `read` gives them. */
export function releaseFiles(fs: Pick<ImageFilesystem, 'resolve'>, read: (path: string) => { body: Buffer } | undefined): ReleaseFiles {
  return { text: (path) => read(path)?.body.toString('utf8'), resolve: (path) => fs.resolve(path) };
}

/** The release files one layer wrote, by path: the part of a layer's analysis detection needs. */
export function layerReleaseFiles(fs: Pick<ImageFilesystem, 'captured'>): Record<string, string> {
  return Object.fromEntries(fs.captured(osFilesWanted).map((f) => [f.path, f.body.toString('utf8')]));
}

/** Distroless images keep one dpkg paragraph per package under status.d/ and ship no shell. */
function isDistroless(fs: ReleaseFiles): boolean {
  return fs.resolve('var/lib/dpkg/status.d')?.type === 'dir' && !fs.resolve('bin/sh') && !fs.resolve('usr/bin/sh');
}

function fromOsRelease(fs: ReleaseFiles, fields: Record<string, string>): OsInfo | undefined {
  const id = (fields.ID ?? '').toLowerCase();
  let family = ID_TO_FAMILY[id];
  if (!family) {
    const like = (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/);
    // An unknown derivative is still reported, under its own ID, rather than guessed as its parent.
    if (id === '' && like.every((l) => l === '')) return undefined;
    family = id || like[0] || 'unknown';
  }
  if (family === 'centos' && /stream/i.test(fields.NAME ?? '')) family = 'centos-stream';
  let version = fields.VERSION_ID ?? '';
  const codename = fields.VERSION_CODENAME || undefined;
  if (family === 'debian') {
    // os-release says `12`; debian_version has the point release (`12.8`), or `trixie/sid` on testing.
    const point = fs.text('etc/debian_version')?.trim();
    if (point && (version === '' || point.startsWith(`${version}.`))) version = point;
  } else if (family === 'alpine') {
    // alpine-release is what apk itself reads; os-release can lag behind it on edge.
    const release = fs.text('etc/alpine-release')?.trim();
    if (release) version = release;
  }
  if (version === '') version = codename ?? fields.BUILD_ID ?? '';
  const distroless = family === 'debian' && isDistroless(fs);
  const pretty = fields.PRETTY_NAME || fields.NAME || undefined;
  return {
    family,
    version,
    ...(pretty ? { name: distroless ? `Distroless (${pretty})` : pretty } : {}),
    ...(codename ? { codename } : {}),
  };
}

/** `<Name> release <version> (<codename>)`, the format of redhat-release and system-release. */
function fromReleaseLine(line: string): OsInfo | undefined {
  const m = /^(.*?)\s+release\s+([0-9][0-9A-Za-z.]*)(?:\s+\((.*)\))?/.exec(line.trim());
  if (!m) return undefined;
  const [, name = '', version = '', codename] = m;
  const family = /^red hat/i.test(name)
    ? 'rhel'
    : /^centos stream/i.test(name)
      ? 'centos-stream'
      : /^centos/i.test(name)
        ? 'centos'
        : /^rocky/i.test(name)
          ? 'rocky'
          : /^almalinux/i.test(name)
            ? 'almalinux'
            : /^oracle/i.test(name)
              ? 'oracle'
              : /^fedora/i.test(name)
                ? 'fedora'
                : /^amazon/i.test(name)
                  ? 'amazon'
                  : undefined;
  if (!family) return undefined;
  return { family, version, name: line.trim(), ...(codename ? { codename } : {}) };
}

function fromFallbacks(fs: ReleaseFiles): OsInfo | undefined {
  const alpine = fs.text('etc/alpine-release')?.trim();
  if (alpine) return { family: 'alpine', version: alpine };
  const debian = fs.text('etc/debian_version')?.trim();
  if (debian) {
    const distroless = isDistroless(fs);
    return { family: 'debian', version: debian, ...(distroless ? { name: 'Distroless (Debian)' } : {}) };
  }
  for (const path of ['etc/redhat-release', 'etc/system-release']) {
    const line = fs.text(path)?.split('\n')[0];
    const info = line ? fromReleaseLine(line) : undefined;
    if (info) return info;
  }
  return undefined;
}

/**
 * Names the image's distribution, or undefined when there is none to recognise
 * (scratch, a static binary): the caller then reports "no recognisable OS".
 * `now` decides `eol`.
 */
export function detectOs(fs: ImageFilesystem, now: Date = new Date()): OsInfo | undefined {
  return detectOsIn(
    releaseFiles(fs, (path) => fs.read(path)),
    now,
  );
}

/** {@link detectOs} over release files however they are kept (the applier reads each from the layer that wrote it). */
export function detectOsIn(fs: ReleaseFiles, now: Date = new Date()): OsInfo | undefined {
  let osRelease: string | undefined;
  for (const path of ['etc/os-release', 'usr/lib/os-release']) {
    osRelease ??= fs.text(path);
  }
  const info = (osRelease !== undefined ? fromOsRelease(fs, parseOsRelease(osRelease)) : undefined) ?? fromFallbacks(fs);
  if (!info) return undefined;
  const release = lookupRelease(info.family, info.version);
  if (release?.codename && !info.codename) info.codename = release.codename;
  if (release?.eol) {
    info.eolDate = release.eol;
    info.eol = now.toISOString().slice(0, 10) > release.eol;
  } else if (!release && olderThanTable(info.family, info.version)) {
    // Alpine 3.7 predates the table: it ended before the oldest release listed, so it is end-of-life, not unknown.
    info.eol = true;
  }
  return info;
}

const numericParts = (version: string): number[] | undefined => (/^\d+(?:\.\d+)*$/.test(version) ? version.split('.').map(Number) : undefined);

function compareParts(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether a numeric release sorts below every release the table has for its family (and the oldest of those has ended). */
function olderThanTable(family: string, version: string): boolean {
  const table = releases()[family];
  const own = numericParts(version);
  if (!table || !own) return false;
  const listed = Object.entries(table).flatMap(([key, entry]) => {
    const parts = numericParts(key);
    return parts ? [{ parts, entry }] : [];
  });
  const oldest = listed.sort((a, b) => compareParts(a.parts, b.parts))[0];
  // Compare on the oldest key's depth: alpine 3.7.3 against 3.10 is 3.7 against 3.10.
  return oldest !== undefined && oldest.entry.eol !== undefined && compareParts(own.slice(0, oldest.parts.length), oldest.parts) < 0;
}
