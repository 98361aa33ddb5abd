// Which database ecosystem and version order each inventoried package is matched in: the advisory
// ecosystems each ecosystem declares (src/ecosystems/<type>/index.ts), looked up through the registry.
import type { Package } from '../model/package.js';
import type { OsInfo } from '../model/os.js';
import type { LanguageEcosystem, OsEcosystem } from '../ecosystems/ecosystem.js';
import { ECOSYSTEMS, ecosystemOf, isOsPackage } from '../ecosystems/registry.js';

export type { LanguageEcosystem, OsEcosystem } from '../ecosystems/ecosystem.js';
export { isOsPackage } from '../ecosystems/registry.js';

export function languageEcosystem(type: string): LanguageEcosystem | undefined {
  return ecosystemOf(type)?.advisories;
}

/**
 * Whether a package is matched through NVD CPE: it has no advisory ecosystem identity, because its
 * type has no ecosystem or its analyzer could not establish its name there (`metadata.unresolved`:
 * a jar without a groupId, whose Maven name would be a guess). Never an OS package: distributions
 * backport fixes without changing versions, so upstream version ranges would be wrong for them.
 */
export function matchedByCpe(p: Package): boolean {
  return !isOsPackage(p) && (p.metadata?.unresolved === true || languageEcosystem(p.type) === undefined);
}

/** The ecosystem for an OS release, or the reason the database cannot have one. */
export function osEcosystem(os: OsInfo): OsEcosystem | { reason: string } {
  const family = os.family.toLowerCase();
  const [major = '', minor = ''] = os.version.split('.');
  const releases = ECOSYSTEMS.find((e) => e.releases?.families.includes(family))?.releases;
  if (!releases) return { reason: `the vulnerability database has no advisory feed for ${os.family}` };
  return releases.ecosystem({ os, family, major, minor, numeric: /^\d+$/.test(major) });
}
