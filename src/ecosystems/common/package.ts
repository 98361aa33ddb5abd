// Building language packages: every one carries the file it was read from and that file's layer.
import type { CapturedFile } from '../../image/files.js';
import { packageId } from '../../model/inventory.js';
import type { Package, PackageType } from '../../model/package.js';

export interface LangPackageFacts {
  type: PackageType;
  name: string;
  version: string;
  purl: string;
  /** The manifest, lock file or metadata file that records the package. */
  file: Pick<CapturedFile, 'path' | 'layer'>;
  /**
   * Where the package itself lives when that differs from the recording file
   * (an installed npm package's directory); it keeps two copies apart in `id`.
   */
  path?: string;
  licenses?: string[];
  metadata?: Record<string, string | number | boolean>;
}

export function langPackage(facts: LangPackageFacts): Package {
  const path = facts.path ?? facts.file.path;
  const licenses = facts.licenses?.filter((l) => l !== '');
  const metadata = facts.metadata && Object.keys(facts.metadata).length > 0 ? facts.metadata : undefined;
  return {
    id: packageId(facts.type, facts.name, facts.version, path),
    name: facts.name,
    version: facts.version,
    type: facts.type,
    purl: facts.purl,
    ...(licenses && licenses.length > 0 ? { licenses } : {}),
    locations: [{ path, layer: facts.file.layer }],
    ...(metadata ? { metadata } : {}),
  };
}
