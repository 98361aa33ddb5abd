// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/) of an inventory.
import { inventoryUuid, plimsollVersion, type Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import type { SbomOptions } from './cyclonedx.js';

const NOASSERTION = 'NOASSERTION';

/** SPDX identifiers allow letters, digits, '.' and '-' only. */
function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '-');
}

/**
 * Package databases record licence names (`GPL-2+`, `MIT BSD-2-Clause`) that are not always SPDX
 * expressions, so each becomes a LicenseRef with its name kept as the extracted text.
 */
function licenseRef(name: string): string {
  return `LicenseRef-${idPart(name)}`;
}

function spdxPackage(p: Package, spdxId: string): Record<string, unknown> {
  const refs = [...new Set((p.licenses ?? []).map(licenseRef))];
  return {
    SPDXID: spdxId,
    name: p.name,
    versionInfo: p.version,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    supplier: NOASSERTION,
    licenseConcluded: NOASSERTION,
    licenseDeclared: refs.length > 0 ? refs.join(' AND ') : NOASSERTION,
    copyrightText: NOASSERTION,
    ...(p.source ? { sourceInfo: `built from source package ${p.source.name} ${p.source.version}` } : {}),
    primaryPackagePurpose: 'LIBRARY',
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
    comment: p.locations.map((l) => `${l.path} (layer ${l.layer.digest})`).join('; '),
  };
}

/** The SPDX document (a plain object; JSON.stringify it to write). */
export function toSpdx(inventory: Inventory, options: SbomOptions = {}): Record<string, unknown> {
  // SPDX wants seconds precision: 2026-11-30T14:00:00Z.
  const created = (options.timestamp ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const { artifact, os } = inventory;
  const imageId = 'SPDXRef-Image';
  const osId = 'SPDXRef-OperatingSystem';
  const packages: Record<string, unknown>[] = [
    {
      SPDXID: imageId,
      name: artifact.ref,
      ...(artifact.digest ? { versionInfo: artifact.digest } : {}),
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      primaryPackagePurpose: 'CONTAINER',
      ...(artifact.digest ? { checksums: [{ algorithm: 'SHA256', checksumValue: artifact.digest.replace(/^sha256:/, '') }] } : {}),
      ...(os ? {} : { comment: 'no recognisable OS' }),
    },
  ];
  const relationships: Record<string, string>[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId }];
  if (os) {
    packages.push({
      SPDXID: osId,
      name: os.family,
      versionInfo: os.version,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING-SYSTEM',
      ...(os.name ? { description: os.name } : {}),
      ...(os.eolDate ? { validUntilDate: `${os.eolDate}T00:00:00Z` } : {}),
    });
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: osId });
  }
  inventory.packages.forEach((p, i) => {
    const spdxId = `SPDXRef-Package-${p.type}-${idPart(p.name)}-${i}`;
    packages.push(spdxPackage(p, spdxId));
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: spdxId });
  });
  const licenseNames = new Map(inventory.packages.flatMap((p) => p.licenses ?? []).map((name) => [licenseRef(name), name]));
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: artifact.ref,
    documentNamespace: `https://plimsoll.invalid/spdx/${idPart(artifact.ref)}-${inventoryUuid(inventory, created)}`,
    creationInfo: { created, creators: [`Tool: plimsoll-${plimsollVersion()}`] },
    packages,
    relationships,
    ...(licenseNames.size > 0
      ? {
          hasExtractedLicensingInfos: [...licenseNames].map(([licenseId, name]) => ({
            licenseId,
            name,
            extractedText: `Licence as named by the package database: ${name}`,
          })),
        }
      : {}),
  };
}
