// The vulnerability finding: one known vulnerability in one inventoried package (the JSON
// report's `vulnerabilities[]`, see ../shared/DESIGN.md), and what the matcher could not check.
import type { Severity } from '../model/finding.js';
import type { PackageType } from '../model/package.js';
import type { ScanWarning } from '../model/warning.js';

export type { Severity };

/** `unfixed`: no fixed version published for this release; `wont-fix`: the distribution decided not to fix it here. */
export type VulnStatus = 'fixed' | 'unfixed' | 'wont-fix';

export interface CvssScore {
  /** Who scored it: the advisory id that carries the vector, or NVD's `source` (`nvd@nist.gov`, a CNA). */
  source: string;
  /** `advisory` (an OSV record's `severity[]`) or `nvd` (the NVD record's metrics). */
  from: 'advisory' | 'nvd';
  /** NVD's Primary (its own analysis) or Secondary (the CNA's); absent for advisories. */
  type?: 'Primary' | 'Secondary';
  version: '4.0' | '3.1' | '3.0' | '2.0';
  vector: string;
  /**
   * v3.x and v4.0: computed from the vector (base score; CVSS-B/BT/BE/BTE for v4.0), never trusted
   * from the feed. v2: NVD's published base score.
   */
  score: number;
}

/** How a finding was matched: the distribution's data, an ecosystem's advisories, or NVD CPE configurations. */
export type MatchedBy = 'distro' | 'ecosystem' | 'cpe';

/**
 * Who set the severity, in the order they are consulted (see match/severity.ts): the distribution
 * (`debian`, `ubuntu`), `advisory` (a CVSS vector the matched advisory carries), `ghsa` (GitHub's
 * reviewed rating), `nvd` (NVD's primary CVSS), `cna` (the CNA's CVSS in NVD's record), `none`.
 */
export type SeveritySource = 'debian' | 'ubuntu' | 'advisory' | 'ghsa' | 'nvd' | 'cna' | 'none';

/** P1 acts first. The rule is in match/priority.ts. */
export type Priority = 'P1' | 'P2' | 'P3' | 'P4';

/** The CISA KEV facts a finding carries. */
export interface KevFacts {
  dateAdded: string;
  dueDate: string;
  /** `Known` or `Unknown`. */
  knownRansomwareCampaignUse: string;
  requiredAction: string;
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
  /** Which source set the severity (the first in the documented order that rates it). */
  severitySource: SeveritySource;
  /** Who, in words: `Debian security tracker urgency "low"`, `NVD (nvd@nist.gov) CVSS 3.1 9.8`... */
  severityReason: string;
  /** Every CVSS score known for it, each with who scored it. */
  cvss: CvssScore[];
  /** The score behind the severity, or the first score in the same order when a rating set it (SARIF's security-severity). */
  score?: number;
  /** Weaknesses NVD names (`CWE-502`). */
  cwes?: string[];
  /** Present when CISA lists it as known exploited. */
  kev?: KevFacts;
  /** FIRST's EPSS probability of exploitation in the next 30 days, when known. */
  epss?: { score: number; percentile: number; date: string };
  priority: Priority;
  /** Why that priority, in words. */
  priorityReason: string;
  matchedBy: MatchedBy;
  /** For `cpe` matches: how sure the identification behind the match is. */
  confidence?: 'high' | 'medium' | 'low';
  /** For `cpe` matches: the CPE that matched and what about the identification is guessed. */
  matchReason?: string;
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
  /** Advisories that could not be evaluated (a version the ecosystem rejects...), one each. */
  warnings: ScanWarning[];
}

export interface MatchResult {
  vulnerabilities: Vulnerability[];
  coverage: Coverage;
}
