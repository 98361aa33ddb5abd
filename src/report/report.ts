import type { OsInfo } from '../inventory/analyzer.js';
import type { InventoryResult } from '../inventory/run.js';
import type { ResolvedImage } from '../image/types.js';
import type { Inventory } from '../model/inventory.js';
import type { Package, ScanWarning } from '../model/package.js';
import { buildArtifact, type Artifact } from './artifact.js';

/** A package as the JSON contract spells it: locations name their layer by digest. */
export interface ReportPackage extends Omit<Package, 'locations'> {
  locations: { path: string; layer: string; layerIndex: number }[];
}

/** The JSON report (`../shared/DESIGN.md`): stable field names, more added as stages land. */
export interface Report {
  schemaVersion: 1;
  artifact: Artifact;
  packages: ReportPackage[];
  warnings: ScanWarning[];
  summary: { packages: number; packagesByType: Record<string, number> };
}

export const NO_OS_WARNING = 'no recognisable operating system (scratch or a static binary image): no OS packages were inventoried';

function reportPackage(p: Package): ReportPackage {
  return { ...p, locations: p.locations.map((l) => ({ path: l.path, layer: l.layer.digest, layerIndex: l.layer.index })) };
}

export function buildReport(image: ResolvedImage, inventory: InventoryResult): Report {
  const warnings = [...inventory.warnings];
  if (!inventory.os) warnings.unshift({ message: NO_OS_WARNING });
  const packagesByType: Record<string, number> = {};
  for (const p of inventory.packages) packagesByType[p.type] = (packagesByType[p.type] ?? 0) + 1;
  return {
    schemaVersion: 1,
    artifact: buildArtifact(image, inventory.contents, inventory.os),
    packages: inventory.packages.map(reportPackage),
    warnings,
    summary: { packages: inventory.packages.length, packagesByType },
  };
}

/** The SBOM reporters' input, from the same inventory. */
export function toInventory(image: ResolvedImage, inventory: InventoryResult): Inventory {
  return {
    artifact: { ref: image.ref, ...(image.digest ? { digest: image.digest } : {}), ...(image.platform ? { platform: image.platform } : {}) },
    ...(inventory.os ? { os: inventory.os as OsInfo } : {}),
    packages: inventory.packages,
    warnings: inventory.warnings,
  };
}
