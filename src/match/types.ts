// The vulnerability finding: one known vulnerability in one inventoried package (the JSON
// report's `vulnerabilities[]`, see ../shared/DESIGN.md), and what the matcher could not check.
import type { Severity } from '../model/finding.js';
import type { PackageType } from '../model/package.js';

export type { Severity };

/** `unfixed`: no fixed version published for this release; `wont-fix`: the distribution decided not to fix it here. */
export type VulnStatus = 'fixed' | 'unfixed' | 'wont-fix';

export interface CvssScore {
  /** Where the vector came from: the advisory id that carries it. */
  source: string;
  vector: string;
  /** Computed from the vector (base score for v3.x; the CVSS-B/BT/BE/BTE score for v4.0). */
  score: number;
}

export interface Vulnerability {
  /** The CVE when there is one, else the advisory's own id (GHSA, GO, PYSEC, RUSTSEC...). */
  id: string;
  /** Every other identifier of the same vulnerability (GHSA, GO, DSA...), sorted. */
  aliases: string[];
  packageId: string;
  packageName: string;
  packageType: PackageType;
  purl: string;
  installedVersion: string;
  /** Lowest version on the package's own line that fixes it; absent when none is known. */
  fixedVersion?: string;
  status: VulnStatus;
  severity: Severity;
  /** What the severity was taken from: `debian` (tracker urgency), `cvss`, `ghsa`... */
  severitySource: string;
  cvss: CvssScore[];
  /** The feed of the advisory the finding is named after (`osv/npm`, `alpine-secdb/v3.10/main`). */
  dataSource: string;
  /** Every feed that contributed. */
  dataSources: string[];
  /** Digest of the layer that brought the package. */
  layer?: string;
  /** Where the package was found (its database, lock file, manifest or binary). */
  path?: string;
  title?: string;
  references: string[];
}

/**
 * One group of inventoried packages and whether they were checked: the OS release, or a
 * language ecosystem. `checked: false` says plainly that the packages were inventoried but not
 * matched, and why, so an empty result is never mistaken for a clean one.
 */
export interface CoverageEntry {
  /** What the group is: `alpine 3.20.3`, `npm`, `golang (owned by OS packages)`. */
  target: string;
  /** The database ecosystem consulted (`Alpine:v3.20`, `npm`); absent when there is none. */
  ecosystem?: string;
  packages: number;
  checked: boolean;
  /** How many advisory records the database holds for that ecosystem. */
  advisories?: number;
  /** Why the group was not checked, or why a check is likely incomplete (too few advisories). */
  reason?: string;
}

export interface Coverage {
  entries: CoverageEntry[];
  /** Advisories that could not be evaluated (a version the ecosystem rejects...), one line each. */
  warnings: string[];
}

export interface MatchResult {
  vulnerabilities: Vulnerability[];
  coverage: Coverage;
}
