// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/) of an inventory.
import { inventoryUuid, plimsollVersion, type Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import type { SbomOptions } from './cyclonedx.js';
import { andExpression, classifyLicense } from './spdx-license.js';

const NOASSERTION = 'NOASSERTION';

/** SPDX identifiers allow letters, digits, '.' and '-' only. */
function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '-');
}

/** A recorded licence that is not SPDX (`GPL-2+`, `GPLv2+`) becomes a LicenseRef with its name as the extracted text. */
function licenseRef(name: string): string {
  return `LicenseRef-${idPart(name)}`;
}

/** Recorded licences that are not SPDX ids or expressions. */
function licenseNames(recorded: string[]): string[] {
  return recorded.filter((text) => classifyLicense(text).kind === 'name');
}

/** The package's licences as one SPDX expression: SPDX ones (canonically written), the rest as LicenseRefs. */
function declared(recorded: string[]): string {
  if (recorded.length === 0) return NOASSERTION;
  return andExpression(
    recorded.map((text) => {
      const spdx = classifyLicense(text);
      return spdx.kind === 'name' ? { kind: 'expression', expression: licenseRef(text) } : spdx;
    }),
  );
}

function spdxPackage(p: Package, spdxId: string): Record<string, unknown> {
  return {
    SPDXID: spdxId,
    name: p.name,
    versionInfo: p.version,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    supplier: NOASSERTION,
    licenseConcluded: NOASSERTION,
    licenseDeclared: declared(p.licenses ?? []),
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
  const extracted = new Map(inventory.packages.flatMap((p) => licenseNames(p.licenses ?? [])).map((name) => [licenseRef(name), name]));
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: artifact.ref,
    documentNamespace: `https://plimsoll.invalid/spdx/${idPart(artifact.ref)}-${inventoryUuid(inventory, created)}`,
    creationInfo: { created, creators: [`Tool: plimsoll-${plimsollVersion()}`] },
    packages,
    relationships,
    ...(extracted.size > 0
      ? {
          hasExtractedLicensingInfos: [...extracted].map(([licenseId, name]) => ({
            licenseId,
            name,
            extractedText: `Licence as named by the package database: ${name}`,
          })),
        }
      : {}),
  };
}
