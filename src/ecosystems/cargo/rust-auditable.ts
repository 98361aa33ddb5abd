// Rust binaries built with `cargo auditable`: every crate of their embedded dependency list.
import type { CapturedFile } from '../../image/files.js';
import { packageId } from '../../model/inventory.js';
import type { Package } from '../../model/package.js';
import { cargoPurl } from './purl.js';
import type { Analyzer } from '../../inventory/analyzer.js';
import type { AuditableCrate } from './auditable.js';
import { elfBinaryAnalyzer } from '../common/binary/executable.js';

function cratePackage(file: CapturedFile, crate: AuditableCrate): Package {
  return {
    id: packageId('cargo', crate.name, crate.version, file.path),
    name: crate.name,
    version: crate.version,
    type: 'cargo',
    purl: cargoPurl(crate.name, crate.version),
    locations: [{ path: file.path, layer: file.layer }],
    metadata: { source: crate.source, kind: crate.kind, ...(crate.root ? { root: true } : {}) },
  };
}

export const rustAuditableAnalyzer: Analyzer = elfBinaryAnalyzer('rust-auditable', 'cargo auditable data', 'rust', (file, facts) =>
  (facts.rust ?? []).map((crate) => cratePackage(file, crate)),
);
