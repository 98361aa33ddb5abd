// What upgrading a base image would fix: the findings in packages that came with the base whose
// fixed version is published. Rebuilding on the base image's current build of the same release
// (or upgrading its packages) brings those versions; findings with no fix stay until the
// distribution publishes one, or the base moves to another release.
import { isOsType, versionSchemeOf } from '../../ecosystems/registry.js';
import type { PackageType } from '../../model/package.js';
import type { Severity } from '../../model/finding.js';
import { severityRank } from '../../model/severity.js';
import type { FindingRow } from './views/model.js';

/** One package to upgrade, and the findings the upgrade clears. */
export interface PackageFix {
  packageName: string;
  packageType: PackageType;
  installedVersion: string;
  /** The lowest version that fixes all of them (the highest of their fixed versions). */
  fixedVersion: string;
  vulnerabilities: { id: string; severity: Severity; kev: boolean }[];
  /** Refs of the images that carry the package at that version. */
  images: string[];
}

export interface BaseUpgrade {
  fixes: PackageFix[];
  /** Findings in base packages with no fixed version published. */
  unfixed: number;
  /** Findings the upgrade clears, counted once per image. */
  fixed: number;
  knownExploited: number;
}

/** The higher of two fixed versions, by the package's own version order when it has one Plimsoll knows. */
function higher(type: PackageType, a: string, b: string): string {
  const scheme = isOsType(type) ? versionSchemeOf(type) : undefined;
  if (!scheme) return a.localeCompare(b, 'en', { numeric: true }) >= 0 ? a : b;
  try {
    return scheme.compare(a, b) >= 0 ? a : b;
  } catch {
    return a;
  }
}

/**
 * `images`: each image's findings; `fromBase` says whether a finding's package came with the base
 * (its layer, when the scan split the layers; its being an OS package, when it did not).
 */
export function baseUpgrade(images: readonly { ref: string; vulnerabilities: readonly FindingRow[] }[], fromBase: (v: FindingRow) => boolean): BaseUpgrade {
  const fixes = new Map<string, PackageFix>();
  /** Each fix's vulnerability ids, for counting one vulnerability once however many images carry it. */
  const ids = new Map<string, Set<string>>();
  let unfixed = 0;
  let fixed = 0;
  let knownExploited = 0;
  for (const image of images) {
    for (const v of image.vulnerabilities) {
      if (!fromBase(v)) continue;
      if (v.fixedVersion === undefined) {
        unfixed++;
        continue;
      }
      fixed++;
      if (v.kev) knownExploited++;
      const key = `${v.packageType}\0${v.packageName}\0${v.installedVersion}`;
      const fix = fixes.get(key) ?? {
        packageName: v.packageName,
        packageType: v.packageType,
        installedVersion: v.installedVersion,
        fixedVersion: v.fixedVersion,
        vulnerabilities: [],
        images: [],
      };
      fix.fixedVersion = higher(v.packageType, fix.fixedVersion, v.fixedVersion);
      const seen = ids.get(key) ?? new Set<string>();
      if (!seen.has(v.id)) fix.vulnerabilities.push({ id: v.id, severity: v.severity, kev: v.kev !== undefined });
      seen.add(v.id);
      if (fix.images[fix.images.length - 1] !== image.ref) fix.images.push(image.ref);
      fixes.set(key, fix);
      ids.set(key, seen);
    }
  }
  const worst = (f: PackageFix): number => Math.max(...f.vulnerabilities.map((v) => severityRank(v.severity) + (v.kev ? 10 : 0)));
  return {
    fixes: [...fixes.values()].sort(
      (a, b) => worst(b) - worst(a) || b.vulnerabilities.length - a.vulnerabilities.length || a.packageName.localeCompare(b.packageName),
    ),
    unfixed,
    fixed,
    knownExploited,
  };
}

/** Packages an OS package manager installed: what a base image brings, when the layers were not split. */
export const isOsPackage = (v: FindingRow): boolean => isOsType(v.packageType);
