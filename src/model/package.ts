import type { LayerRef } from './layer.js';

/**
 * Completed by src/ecosystems/registry.ts through declaration merging: the registry lists the
 * ecosystems and model/ imports nothing, so the package types cannot be written here.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- its one member is merged in by the registry
export interface PackageTypeRegistry {}

/** The `type` of a package: the name of its ecosystem (`src/ecosystems/<type>/`). */
export type PackageType = PackageTypeRegistry extends { type: infer T extends string } ? T : never;

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
