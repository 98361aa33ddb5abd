// Names the base image from what is in it: OS detection, package set, files and labels.
import { isOsPackage } from '../ecosystems/registry.js';
import type { ImageFilesystem } from '../image/files.js';
import type { ImageConfigFile } from '../image/types.js';
import type { FileFact, ImageFacts } from '../inventory/facts.js';
import type { Package } from '../model/package.js';
import { findPackageManagers, findShells } from './attack-surface.js';
import type { OsInfo } from '../model/os.js';

export type BaseImageKind =
  | 'scratch'
  | 'distroless'
  | 'alpine'
  | 'debian'
  | 'debian-slim'
  | 'ubuntu'
  | 'ubi'
  | 'ubi-minimal'
  | 'ubi-micro'
  | 'wolfi'
  | 'chainguard'
  | 'bottlerocket'
  | 'flatcar'
  | 'other';

export interface BaseIdentity {
  kind: BaseImageKind;
  /** Human name, e.g. `distroless cc (Debian 12.8)`, `Alpine Linux 3.20.3`. */
  name: string;
  /** distroless: static, base, cc, java, python3, nodejs. */
  variant?: string;
  release?: string;
  /** The facts the identification rests on. */
  evidence: string[];
}

/** dpkg excludes that Docker's slim images install (debuerreotype `--slimify`). */
const DPKG_CONFIG_DIR = 'etc/dpkg/dpkg.cfg.d/';
const APK_REPOSITORIES = 'etc/apk/repositories';
const SMALL = 64 * 1024;

/** Whether a dpkg config file excludes /usr/share/doc (what a slim image installs). */
export const dpkgExcludesDocs: FileFact<boolean> = {
  name: 'dpkg-excludes-docs',
  version: 1,
  wants: (info) => info.path.startsWith(DPKG_CONFIG_DIR),
  maxFileSize: SMALL,
  extract: (file) => /^\s*path-exclude[\s=]+\/usr\/share\/doc\//m.test(file.body.toString('utf8')),
};

/** What the apk repositories file tells: its first line, and whether it names Chainguard's registry. */
export const apkRepositories: FileFact<{ firstLine?: string; chainguard: boolean }> = {
  name: 'apk-repositories',
  version: 1,
  wants: (info) => info.path === APK_REPOSITORIES,
  names: [APK_REPOSITORIES],
  maxFileSize: SMALL,
  extract(file) {
    const text = file.body.toString('utf8');
    return { ...(text ? { firstLine: text.trim().split('\n')[0] ?? '' } : {}), chainguard: /cgr\.dev/.test(text) };
  },
};

function distrolessVariant(fs: ImageFilesystem, debs: Set<string>): { variant: string; why: string } {
  const any = (re: RegExp): string | undefined => [...debs].find((n) => re.test(n));
  const jdk = any(/^openjdk-\d+-jre/) ?? (fs.resolve('usr/lib/jvm') ? 'usr/lib/jvm' : undefined);
  if (jdk) return { variant: 'java', why: `Java runtime (${jdk})` };
  const python = any(/^libpython3\.\d+$|^python3\.\d+-minimal$/);
  if (python) return { variant: 'python3', why: `Python runtime (${python})` };
  if (fs.resolve('nodejs/bin/node')) return { variant: 'nodejs', why: 'Node.js runtime (/nodejs/bin/node)' };
  if (debs.has('libstdc++6')) return { variant: 'cc', why: 'libc6 and libstdc++6 without a shell' };
  if (debs.has('libc6')) return { variant: 'base', why: 'libc6 without a shell' };
  return { variant: 'static', why: 'no libc: only base-files, tzdata, certificates' };
}

/** `facts`: those of {@link dpkgExcludesDocs} and {@link apkRepositories}. */
export function identifyBase(
  fs: ImageFilesystem,
  facts: ImageFacts,
  os: OsInfo | undefined,
  packages: readonly Package[],
  config: ImageConfigFile,
): BaseIdentity {
  const release = os?.version;
  const evidence: string[] = [];
  if (!os) {
    const osPackages = packages.filter(isOsPackage).length;
    if (osPackages === 0) {
      evidence.push('no OS release file and no OS package database');
      return { kind: 'scratch', name: 'scratch', evidence };
    }
    evidence.push(`${osPackages} OS packages but no release file`);
    return { kind: 'other', name: 'unknown distribution', evidence };
  }
  evidence.push(`os-release: ${os.name ?? os.family} ${os.version}`);
  const shells = findShells(fs);
  const managers = findPackageManagers(fs);
  switch (os.family) {
    case 'debian': {
      const debs = new Set(packages.filter((p) => p.type === 'deb').map((p) => p.name));
      if (fs.resolve('var/lib/dpkg/status.d')?.type === 'dir' && shells.length === 0) {
        const { variant, why } = distrolessVariant(fs, debs);
        evidence.push('dpkg records in var/lib/dpkg/status.d, no shell, no package manager', why);
        return { kind: 'distroless', name: `distroless ${variant} (Debian ${os.version})`, variant, ...(release ? { release } : {}), evidence };
      }
      if (facts.all(dpkgExcludesDocs).some(Boolean)) {
        evidence.push(`${DPKG_CONFIG_DIR}: path-exclude of /usr/share/doc (slim)`);
        return { kind: 'debian-slim', name: `Debian ${os.version} slim`, ...(release ? { release } : {}), evidence };
      }
      return { kind: 'debian', name: `Debian ${os.version}${os.codename ? ` (${os.codename})` : ''}`, ...(release ? { release } : {}), evidence };
    }
    case 'ubuntu':
      return { kind: 'ubuntu', name: `Ubuntu ${os.version}`, ...(release ? { release } : {}), evidence };
    case 'alpine':
      return { kind: 'alpine', name: `Alpine Linux ${os.version}`, ...(release ? { release } : {}), evidence };
    case 'rhel': {
      const component = config.config?.Labels?.['com.redhat.component'];
      if (component) evidence.push(`label com.redhat.component=${component}`);
      const kind = managers.includes('microdnf') ? 'ubi-minimal' : managers.some((m) => m === 'dnf' || m === 'yum') ? 'ubi' : 'ubi-micro';
      evidence.push(kind === 'ubi-minimal' ? 'microdnf present' : kind === 'ubi' ? 'dnf/yum present' : 'no package manager');
      const label = { ubi: 'UBI', 'ubi-minimal': 'UBI minimal', 'ubi-micro': 'UBI micro' }[kind];
      return { kind, name: `Red Hat ${label} ${os.version}`, ...(release ? { release } : {}), evidence };
    }
    case 'wolfi':
    case 'chainguard': {
      const repos = facts.of(apkRepositories, APK_REPOSITORIES);
      const chainguard = os.family === 'chainguard' || repos?.chainguard === true;
      if (repos?.firstLine !== undefined) evidence.push(`${APK_REPOSITORIES}: ${repos.firstLine}`);
      return { kind: chainguard ? 'chainguard' : 'wolfi', name: chainguard ? 'Chainguard' : 'Wolfi', ...(release ? { release } : {}), evidence };
    }
    case 'bottlerocket':
      return { kind: 'bottlerocket', name: `Bottlerocket ${os.version}`, ...(release ? { release } : {}), evidence };
    case 'flatcar':
      return { kind: 'flatcar', name: `Flatcar Container Linux ${os.version}`, ...(release ? { release } : {}), evidence };
    default:
      return { kind: 'other', name: os.name ?? `${os.family} ${os.version}`, ...(release ? { release } : {}), evidence };
  }
}
