// The analyzers of compiled artifacts: Go binaries and go.mod, Java archives, Rust `cargo auditable`
// binaries, and runtimes identified by their bytes (last: it leaves alone what the others identified).
import type { Analyzer } from '../inventory/analyzer.js';
import { fingerprintAnalyzer } from './binary/fingerprints.js';
import { goBinaryAnalyzer } from './golang/go-binary.js';
import { goModAnalyzer } from './golang/go-mod.js';
import { javaArchiveAnalyzer } from './maven/java-archive.js';
import { rustAuditableAnalyzer } from './cargo/rust-auditable.js';

export const BINARY_ANALYZERS: readonly Analyzer[] = [goBinaryAnalyzer, goModAnalyzer, javaArchiveAnalyzer, rustAuditableAnalyzer, fingerprintAnalyzer];
