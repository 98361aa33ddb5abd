// The version comparators, keyed by scheme (see DESIGN.md, library API): each ecosystem's own, from
// the ecosystem registry, and plain SemVer, which OSV's SEMVER ranges use in every ecosystem.
import { ECOSYSTEMS } from '../ecosystems/registry.js';
import { semver } from './semver.js';

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type EcosystemSchemes = UnionToIntersection<(typeof ECOSYSTEMS)[number]['versions']>;

export const versions: { readonly semver: typeof semver } & EcosystemSchemes = Object.assign({ semver }, ...ECOSYSTEMS.map((e) => e.versions));

export type SchemeName = keyof typeof versions;

export { apkMatches } from '../ecosystems/apk/version.js';
export { VersionError, type Ordering, type RangeScheme, type VersionScheme } from './scheme.js';
