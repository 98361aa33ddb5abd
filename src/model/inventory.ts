// The inventory of one image: what the SBOM reporters take, and what `packages` in the JSON report holds.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Package, PackageType } from './package.js';
import type { ScanWarning } from './warning.js';
import type { OsInfo } from './os.js';
import type { Platform } from './platform.js';

/** The scanned image, as far as an SBOM names it. */
export interface ArtifactInfo {
  /** The reference as the user wrote it. */
  ref: string;
  /** Manifest digest, when the source has one. */
  digest?: string;
  platform?: Platform;
  /** The image's layer digests, bottom-up (none for `dir:`). */
  layers?: string[];
}

export interface Inventory {
  artifact: ArtifactInfo;
  /** Absent when the image has no recognisable OS (scratch, a static binary). */
  os?: OsInfo;
  packages: Package[];
  warnings: ScanWarning[];
}

/**
 * `Package.id`: type, name, version, the path of the first location (so two copies stay apart)
 * and, when given, the architecture (dpkg multi-arch installs `libc6:amd64` and `libc6:i386` side by side).
 */
export function packageId(type: PackageType, name: string, version: string, path: string, arch?: string): string {
  return `${type}:${name}@${version}${arch ? `:${arch}` : ''}:${path}`;
}

/**
 * A name-based (version 5) UUID for an SBOM: the same inventory at the same time gives the same
 * serial number, so reports stay reproducible while every new scan gets a new one.
 */
export function inventoryUuid(inventory: Inventory, timestamp: string): string {
  const hash = createHash('sha1');
  hash.update(`${timestamp}\n${inventory.artifact.ref}\n${inventory.artifact.digest ?? ''}\n`);
  for (const p of inventory.packages) hash.update(`${p.id}\n`);
  const b = hash.digest().subarray(0, 16);
  b.writeUInt8((b.readUInt8(6) & 0x0f) | 0x50, 6);
  b.writeUInt8((b.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

let toolVersion: string | undefined;

/** Plimsoll's own version, for the SBOMs' tool entries (package.json sits two levels above src/model and dist/model). */
export function plimsollVersion(): string {
  toolVersion ??= (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  return toolVersion;
}
