// Public library API: the same stages the CLI uses.
//   const image = await openImage('oci:/path/layout:1.0');
//   const { os, packages } = await inventoryImage(image);
export * from './errors.js';
export * from './image/types.js';
export * from './image/files.js';
export { parseReference, formatReference, type ImageReference } from './image/reference.js';
export { parsePlatform, formatPlatform } from './image/manifest.js';
export { openImage } from './image/open.js';
export { openRegistryImage } from './image/sources/registry.js';
export { readImage, type ImageContents, type ReadImageOptions, type LayerSummary } from './image/scan.js';
export type { Package, PackageLocation, PackageType } from './model/package.js';
export { warningText, type ScanWarning, type WarningSource } from './model/warning.js';
export type { Inventory, ArtifactInfo } from './model/inventory.js';
export type { Analyzer, AnalyzerContext, AnalyzerResult, FinishContext, LayerFilesystem } from './inventory/analyzer.js';
export type { OsInfo } from './model/os.js';
export type { LayerRef } from './model/layer.js';
export type { Platform } from './model/platform.js';
export { inventoryImage, analyzeLayer, analyzeFilesystem, type InventoryResult } from './inventory/run.js';
export { applyLayers, type LayerAnalysis, type AppliedLayer } from './inventory/applier.js';
export {
  ALL_ANALYZERS,
  OS_ANALYZERS,
  MANIFEST_ANALYZERS,
  BINARY_ANALYZERS,
  ECOSYSTEMS,
  ecosystemOf,
  isOsPackage,
  type EcosystemType,
} from './ecosystems/registry.js';
export type { Ecosystem, AnalyzerStage } from './ecosystems/ecosystem.js';
export { detectOs, osFilesWanted, parseOsRelease } from './inventory/distro.js';
export { formatPurl } from './model/purl.js';
export { debPurl } from './ecosystems/deb/index.js';
export { apkPurl } from './ecosystems/apk/index.js';
export { rpmPurl } from './ecosystems/rpm/index.js';
export { buildReport, toInventory, type Report } from './report/report.js';
export { toCycloneDx, type SbomOptions } from './report/cyclonedx.js';
export { toSpdx } from './report/spdx.js';
export { scanImage, scanResolvedImage, parseScanners, type ScanOptions } from './scan.js';
export { LayerCache, defaultCacheDir, layerCacheKey, type LayerCacheOptions, type LayerCacheStatus } from './cache/layer-cache.js';
export { SCANNERS, type Scanner } from './model/scanners.js';
export { npmPurl } from './ecosystems/npm/index.js';
export { pypiPurl, pep503Name } from './ecosystems/pypi/index.js';
export { gemPurl } from './ecosystems/gem/index.js';
export { cargoPurl } from './ecosystems/cargo/index.js';
export { composerPurl } from './ecosystems/composer/index.js';
export { nugetPurl } from './ecosystems/nuget/index.js';
export { golangPurl } from './ecosystems/golang/index.js';
export { mavenPurl } from './ecosystems/maven/index.js';
export type { Finding, FindingKind, Severity } from './model/finding.js';
export { runHardening, hardeningRequests, ALL_CHECKS, type HardeningInput, type HardeningResult, type BaseImageInfo } from './hardening/run.js';
export type { AttackSurface } from './hardening/attack-surface.js';
export { lintDockerfile, lintDockerfileFile, DOCKERFILE_RULES, type DockerfileRule } from './dockerfile/index.js';
export * as vulndb from './vulndb/index.js';
export { versions, apkMatches, VersionError, type SchemeName, type Ordering, type VersionScheme, type RangeScheme } from './versions/index.js';
export { matchVulnerabilities, type Vulnerability, type Coverage, type MatchResult } from './match/index.js';
export { applyPolicy, readIgnoreFile, readVexFile, type PolicyOptions, type PolicyResult } from './policy/index.js';
export { toSarif } from './report/sarif.js';
export { toCycloneDxWithVulnerabilities } from './report/cyclonedx-vex.js';
