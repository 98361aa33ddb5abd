// The attack-surface figures of the report: what an attacker who gets code execution finds in the image.
import { isOsPackage } from '../ecosystems/registry.js';
import type { ImageFilesystem, IndexedFile } from '../image/files.js';
import type { ImageContents } from '../image/scan.js';
import type { Package } from '../model/package.js';
import type { OsInfo } from '../model/os.js';

export interface AttackSurface {
  osPackages: number;
  /** Shells found (names), empty when there is none. */
  shells: string[];
  /** Package managers found (names), empty when there is none. */
  packageManagers: string[];
  setuidFiles: number;
  setgidFiles: number;
  /** Bytes: layer blobs as stored, and their uncompressed tars. */
  size: { compressed?: number; uncompressed: number };
  /** True when the OS release is past its end of life; absent when unknown (no OS, no date). */
  eol?: boolean;
  eolDate?: string;
}

const BIN_DIRS = ['bin', 'usr/bin', 'sbin', 'usr/sbin', 'usr/local/bin'];
const SHELLS = ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox'];
const PACKAGE_MANAGERS = ['apt', 'apt-get', 'dpkg', 'apk', 'rpm', 'yum', 'dnf', 'microdnf', 'tdnf', 'zypper'];

/** Names among `names` that exist as executables in the usual bin directories (symlinks followed inside the image). */
export function findExecutables(fs: ImageFilesystem, names: readonly string[]): string[] {
  return names.filter((name) =>
    BIN_DIRS.some((dir) => {
      const file = fs.resolve(`${dir}/${name}`);
      return file !== undefined && (file.type === 'file' || file.type === 'hardlink') && (file.mode & 0o111) !== 0;
    }),
  );
}

export const findShells = (fs: ImageFilesystem): string[] => findExecutables(fs, SHELLS);
export const findPackageManagers = (fs: ImageFilesystem): string[] => findExecutables(fs, PACKAGE_MANAGERS);

export function isSetuid(mode: number): boolean {
  return (mode & 0o4000) !== 0;
}

/** setgid on a directory only sets group inheritance; on a file it runs with the group's rights. */
export function isSetgid(mode: number): boolean {
  return (mode & 0o2000) !== 0;
}

/** `privileged`: the regular files and hard links with the setuid or setgid bit. */
export function measureAttackSurface(
  contents: ImageContents,
  privileged: readonly IndexedFile[],
  packages: readonly Package[],
  os: OsInfo | undefined,
): AttackSurface {
  const setuidFiles = privileged.filter((file) => isSetuid(file.mode)).length;
  const setgidFiles = privileged.filter((file) => isSetgid(file.mode)).length;
  const sizes = contents.layers.map((l) => l.size);
  const compressed = sizes.every((s) => s !== undefined) && sizes.length > 0 ? sizes.reduce((a, b) => (a ?? 0) + (b ?? 0), 0) : undefined;
  const uncompressed = contents.perLayer.reduce((a, l) => a + l.tarBytes, 0);
  return {
    osPackages: packages.filter(isOsPackage).length,
    shells: findShells(contents.fs),
    packageManagers: findPackageManagers(contents.fs),
    setuidFiles,
    setgidFiles,
    size: { ...(compressed !== undefined ? { compressed } : {}), uncompressed },
    ...(os?.eol !== undefined ? { eol: os.eol } : {}),
    ...(os?.eolDate ? { eolDate: os.eolDate } : {}),
  };
}
