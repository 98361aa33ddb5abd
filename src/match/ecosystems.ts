// Which database ecosystem and version order each inventoried package is matched in.
import type { Package, PackageType } from '../model/package.js';
import { versions, type Ordering } from '../versions/index.js';
import type { RangeComparators } from './osv-range.js';
import type { OsInfo } from '../model/os.js';

/** Go's advisories write versions without the `v` that module versions (and our inventory) carry. */
function withV(version: string): string {
  return version === '0' || version.startsWith('v') ? version : `v${version}`;
}
const goCompare = (a: string, b: string): Ordering => versions.golang.compare(withV(a), withV(b));

export interface LanguageEcosystem {
  ecosystem: string;
  comparators: RangeComparators;
  /** A fixed version as the package manager spells it (Go module versions take a `v`). */
  display?: (version: string) => string;
}

const LANGUAGE: Partial<Record<PackageType, LanguageEcosystem>> = {
  npm: { ecosystem: 'npm', comparators: { ecosystem: versions.npm.compare, semver: versions.npm.compare } },
  pypi: { ecosystem: 'PyPI', comparators: { ecosystem: versions.pep440.compare, semver: versions.semver.compare } },
  golang: { ecosystem: 'Go', comparators: { ecosystem: goCompare, semver: goCompare }, display: withV },
  maven: { ecosystem: 'Maven', comparators: { ecosystem: versions.maven.compare, semver: versions.semver.compare } },
  gem: { ecosystem: 'RubyGems', comparators: { ecosystem: versions.rubygems.compare, semver: versions.semver.compare } },
  cargo: { ecosystem: 'crates.io', comparators: { ecosystem: versions.cargo.compare, semver: versions.cargo.compare } },
  composer: { ecosystem: 'Packagist', comparators: { ecosystem: versions.composer.compare, semver: versions.semver.compare } },
  nuget: { ecosystem: 'NuGet', comparators: { ecosystem: versions.nuget.compare, semver: versions.semver.compare } },
};

export function languageEcosystem(type: PackageType): LanguageEcosystem | undefined {
  return LANGUAGE[type];
}

export function isOsPackage(p: Package): boolean {
  return p.type === 'deb' || p.type === 'apk' || p.type === 'rpm';
}

/**
 * Whether a package is matched through NVD CPE: it has no advisory ecosystem identity, because its
 * type has no ecosystem or its analyzer could not establish its name there (`metadata.unresolved`:
 * a jar without a groupId, whose Maven name would be a guess). Never an OS package: distributions
 * backport fixes without changing versions, so upstream version ranges would be wrong for them.
 */
export function matchedByCpe(p: Package): boolean {
  return !isOsPackage(p) && (p.metadata?.unresolved === true || languageEcosystem(p.type) === undefined);
}

/** A distribution release as the database names it, and how its packages are keyed. */
export interface OsEcosystem {
  ecosystem: string;
  packageType: 'deb' | 'apk' | 'rpm';
  comparators: RangeComparators;
  /** The names advisories may file the package under: the source package first. */
  names(p: Package): string[];
  /** The version advisories' ranges are written in (Debian's are source versions). */
  version(p: Package): string;
  /** The distribution's own rating is read from the tracker's urgency (Debian) or the record's severity (Ubuntu). */
  family: string;
}

const dpkg: RangeComparators = { ecosystem: versions.dpkg.compare, semver: versions.semver.compare };
const apk: RangeComparators = { ecosystem: versions.apk.compare, semver: versions.semver.compare };
const rpm: RangeComparators = { ecosystem: versions.rpm.compare, semver: versions.semver.compare };

const bySource = (p: Package): string[] => [p.source?.name ?? p.name];
const sourceAndBinary = (p: Package): string[] => [...new Set([p.source?.name ?? p.name, p.name])];

/** The ecosystem for an OS release, or the reason the database cannot have one. */
export function osEcosystem(os: OsInfo): OsEcosystem | { reason: string } {
  const family = os.family.toLowerCase();
  const [major = '', minor = ''] = os.version.split('.');
  const numeric = /^\d+$/.test(major);
  switch (family) {
    case 'alpine':
      if (!numeric || !/^\d+$/.test(minor)) return { reason: `Alpine release ${os.version} (edge or unknown) has no release branch to match against` };
      return { ecosystem: `Alpine:v${major}.${minor}`, packageType: 'apk', comparators: apk, names: bySource, version: (p) => p.version, family };
    case 'debian':
      if (!numeric) return { reason: `Debian ${os.version} is testing or unstable, which the advisory feeds do not track as a release` };
      return { ecosystem: `Debian:${major}`, packageType: 'deb', comparators: dpkg, names: bySource, version: (p) => p.source?.version ?? p.version, family };
    case 'ubuntu': {
      if (!numeric || !minor) return { reason: `Ubuntu ${os.version}: not a release number` };
      const lts = minor === '04' && Number(major) % 2 === 0;
      return { ecosystem: `Ubuntu:${major}.${minor}${lts ? ':LTS' : ''}`, packageType: 'deb', comparators: dpkg, names: bySource, version: (p) => p.source?.version ?? p.version, family };
    }
    case 'almalinux':
    case 'rocky':
      if (!numeric) return { reason: `${os.family} ${os.version}: not a release number` };
      return { ecosystem: `${family === 'rocky' ? 'Rocky Linux' : 'AlmaLinux'}:${major}`, packageType: 'rpm', comparators: rpm, names: sourceAndBinary, version: (p) => p.version, family };
    case 'wolfi':
    case 'chainguard':
      return { ecosystem: family === 'wolfi' ? 'Wolfi' : 'Chainguard', packageType: 'apk', comparators: apk, names: bySource, version: (p) => p.version, family };
    default:
      return { reason: `the vulnerability database has no advisory feed for ${os.family}` };
  }
}
