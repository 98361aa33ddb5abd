// Public library API: the same stages the CLI uses.
export * from './errors.js';
export * from './image/types.js';
export * from './image/files.js';
export { parseReference, formatReference, type ImageReference } from './image/reference.js';
export type { Package, PackageLocation, PackageType, ScanWarning } from './model/package.js';
export type { Analyzer, AnalyzerContext, AnalyzerResult, OsInfo } from './inventory/analyzer.js';
