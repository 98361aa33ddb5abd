// An inventory entry written by hand, for matching tests and benches that need a package no testbed
// image holds: the id and purl follow the inventory's own form, and it sits in layer 0 at `hand-made/NAME`.
import type { Package, PackageType } from '../../src/model/package.js';

export function handMadePackage(type: PackageType, name: string, version: string, extra: Partial<Package> = {}): Package {
  return {
    id: `${type}:${name}@${version}`,
    name,
    version,
    type,
    purl: `pkg:${type}/${name}@${version}`,
    locations: [{ path: `hand-made/${name}`, layer: { index: 0, digest: 'sha256:0' } }],
    ...extra,
  };
}
