import type { LayerRef } from './layer.js';

/** `binary`: a runtime or library identified by its own bytes (no package manager records it). */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'gem' | 'cargo' | 'composer' | 'nuget' | 'binary';

export interface PackageLocation {
  /** Path of the file that records the package (database, manifest, binary). */
  path: string;
  layer: LayerRef;
}

/** One inventoried package (the JSON report's `packages[]`, with full layer refs). */
export interface Package {
  /** Stable within a report: type, name, version and first location. */
  id: string;
  name: string;
  version: string;
  type: PackageType;
  purl: string;
  /** For OS packages: the source package that advisories are keyed on. */
  source?: { name: string; version: string };
  arch?: string;
  licenses?: string[];
  locations: PackageLocation[];
  /** Extra facts an analyzer knows (epoch, release, modularity label, dev-only...). */
  metadata?: Record<string, string | number | boolean>;
}
