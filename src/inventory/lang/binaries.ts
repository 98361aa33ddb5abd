// The analyzers of compiled artifacts: Go binaries and go.mod, Java archives, Rust `cargo auditable`
// binaries, and runtimes identified by their bytes (last: it leaves alone what the others identified).
import type { Analyzer } from '../analyzer.js';
import { fingerprintAnalyzer } from './fingerprints.js';
import { goBinaryAnalyzer } from './go-binary.js';
import { goModAnalyzer } from './go-mod.js';
import { javaArchiveAnalyzer } from './java-archive.js';
import { rustAuditableAnalyzer } from './rust-auditable.js';

export const BINARY_ANALYZERS: readonly Analyzer[] = [goBinaryAnalyzer, goModAnalyzer, javaArchiveAnalyzer, rustAuditableAnalyzer, fingerprintAnalyzer];
