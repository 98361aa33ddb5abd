import type { Analyzer } from './analyzer.js';
import { apkAnalyzer } from '../ecosystems/apk/apk.js';
import { dpkgAnalyzer } from '../ecosystems/deb/dpkg.js';
import { rpmAnalyzer } from '../ecosystems/rpm/rpm.js';
import { BINARY_ANALYZERS } from '../ecosystems/binaries.js';
import { MANIFEST_ANALYZERS } from '../ecosystems/manifests.js';

/** The OS package databases. */
export const OS_ANALYZERS: readonly Analyzer[] = [dpkgAnalyzer, apkAnalyzer, rpmAnalyzer];

/** Every analyzer, OS package databases first (their owned files are read by the language analyzers). */
export const ALL_ANALYZERS: readonly Analyzer[] = [...OS_ANALYZERS, ...MANIFEST_ANALYZERS, ...BINARY_ANALYZERS];
