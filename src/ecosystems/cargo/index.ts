// Rust crates: Cargo.lock files and the dependency lists `cargo auditable` embeds in binaries.
import { defineEcosystem } from '../ecosystem.js';
import { cargoLockAnalyzer } from './cargo-lock.js';
import { rustAuditableAnalyzer } from './rust-auditable.js';
import { cargo as cargoScheme } from './version.js';

export { cargoPurl } from './purl.js';

export const cargo = defineEcosystem({
  type: 'cargo',
  purlType: 'cargo',
  os: false,
  analyzers: [
    { stage: 'manifest', analyzer: cargoLockAnalyzer },
    { stage: 'binary', analyzer: rustAuditableAnalyzer },
  ],
  versions: { cargo: cargoScheme },
  advisories: { ecosystem: 'crates.io', comparators: { ecosystem: cargoScheme.compare, semver: cargoScheme.compare } },
});
