// What is derived from the list of package ecosystems (list.ts): the package types, the analyzer list,
// the OS test, the advisory ecosystems (match/ecosystems.ts) and the version schemes (versions/index.ts).
import type { Analyzer } from '../inventory/analyzer.js';
import type { VersionScheme } from '../versions/scheme.js';
import { ANALYZER_STAGES, type AnalyzerStage, type Ecosystem } from './ecosystem.js';
import * as LISTED from './list.js';

/** By type name, the order their analyzers run in within a stage (see ANALYZER_STAGES). */
export const ECOSYSTEMS = Object.values(LISTED);

export type EcosystemType = (typeof ECOSYSTEMS)[number]['type'];

// model/ imports nothing, so the package types are merged into it from here.
declare module '../model/package.js' {
  interface PackageTypeRegistry {
    type: EcosystemType;
  }
}

const BY_TYPE: ReadonlyMap<string, Ecosystem> = new Map(ECOSYSTEMS.map((e) => [e.type, e]));

/** The ecosystem of a package type (undefined for a type no ecosystem declares, e.g. from a submitted SBOM). */
export function ecosystemOf(type: string): Ecosystem | undefined {
  return BY_TYPE.get(type);
}

/** Whether packages of this type come from the distribution's package manager. */
export function isOsType(type: string): boolean {
  return BY_TYPE.get(type)?.os === true;
}

export function isOsPackage(p: { type: string }): boolean {
  return isOsType(p.type);
}

/** The version order of a package type's ecosystem, when it has one. */
export function versionSchemeOf(type: string): VersionScheme | undefined {
  const ecosystem = BY_TYPE.get(type);
  return ecosystem ? Object.values(ecosystem.versions)[0] : undefined;
}

function analyzersOf(stages: readonly AnalyzerStage[]): readonly Analyzer[] {
  return stages.flatMap((stage) => ECOSYSTEMS.flatMap((e) => e.analyzers.filter((a) => a.stage === stage).map((a) => a.analyzer)));
}

/** The OS package databases. */
export const OS_ANALYZERS = analyzersOf(['os']);
/** The manifest and lock-file analyzers: they skip files an OS package owns. */
export const MANIFEST_ANALYZERS = analyzersOf(['manifest']);
/** The analyzers of compiled artifacts, identification by bytes last. */
export const BINARY_ANALYZERS = analyzersOf(['binary', 'fingerprint']);
/** Every analyzer, in stage order. */
export const ALL_ANALYZERS = analyzersOf(ANALYZER_STAGES);
