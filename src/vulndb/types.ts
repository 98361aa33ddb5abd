// The advisory model: the OSV schema (https://ossf.github.io/osv-schema/), which every feed is
// converted into, so the matcher reads one shape whatever the source.
import type { MavenArtifact } from '../model/maven.js';
import type { ScanWarning } from '../model/warning.js';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  /** ECOSYSTEM, SEMVER or GIT. */
  type: string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  /** CVSS_V2, CVSS_V3, CVSS_V4, Ubuntu... */
  type: string;
  score: string;
}

export interface OsvPackage {
  /** With the release suffix where the ecosystem has one: `Debian:12`, `Alpine:v3.20`. */
  ecosystem: string;
  name: string;
  purl?: string;
}

export interface OsvAffected {
  package?: OsvPackage;
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvReference {
  type: string;
  url: string;
}

/** One OSV record as its publisher wrote it (fields this interface does not name are kept too). */
export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: OsvReference[];
  credits?: unknown[];
  database_specific?: Record<string, unknown>;
  [field: string]: unknown;
}

/** An advisory as the database returns it: the OSV record plus the feed it came from. */
export type Advisory = OsvRecord & {
  /** Name of the source (`osv/Go`, `alpine-secdb/v3.11/main`, `debian/DSA`...). */
  source: string;
};

/** What status reports per source. */
export interface SourceStatus {
  name: string;
  ecosystem: string;
  url: string;
  records: number;
  /** Last-Modified of the feed (HTTP header, or the file's mtime for a directory mirror). */
  lastModified: string | null;
  /**
   * When the data itself is from: the newest record's modified time, or the date the feed states
   * (KEV's dateReleased, EPSS's score_date). Null when the feed says nothing usable (Go's records
   * carry a placeholder).
   */
  dataDate: string | null;
}

export interface DbStatus {
  path: string;
  schemaVersion: number;
  builtAt: string;
  /** Whole days since builtAt. */
  ageDays: number;
  /** The newest data date of any source: what the staleness warning goes by. */
  dataDate: string | null;
  /** Whole days since dataDate (null when no source states one). */
  dataAgeDays: number | null;
  sources: SourceStatus[];
  warnings: ScanWarning[];
  /** Attribution the sources' terms ask for (NVD's notice). */
  notices: string[];
}

// ---- Enrichment: what other sources say about a CVE, beside the advisories that locate it ----

export type CvssVersion = '4.0' | '3.1' | '3.0' | '2.0';

/** One CVSS metric as NVD publishes it: whose it is (NVD or the CNA) and whether it is the primary one. */
export interface CvssMetric {
  /** `nvd@nist.gov`, or the CNA's e-mail or UUID. */
  source: string;
  type: 'Primary' | 'Secondary';
  version: CvssVersion;
  vector: string;
  /** The score as published (for v2, the only score there is: v2 vectors are not recomputed). */
  baseScore: number;
  baseSeverity?: string;
}

/** One `cpeMatch` of an NVD configuration node. */
export interface CpeMatch {
  criteria: string;
  vulnerable: boolean;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
}

export interface CpeNode {
  operator: 'AND' | 'OR';
  negate?: boolean;
  cpeMatch: CpeMatch[];
}

/** One NVD applicability statement: its nodes combined by `operator` (OR when absent). */
export interface CpeConfiguration {
  operator?: 'AND' | 'OR';
  negate?: boolean;
  nodes: CpeNode[];
}

/** The part of an NVD CVE API 2.0 `cve` object Plimsoll keeps. */
export interface NvdRecord {
  id: string;
  published: string;
  lastModified: string;
  vulnStatus?: string;
  /** The English description. */
  description?: string;
  cvss: CvssMetric[];
  /** `CWE-79`..., each once, NVD-CWE-Other/noinfo left out. */
  cwes: string[];
  configurations: CpeConfiguration[];
}

/** One CISA KEV catalog entry (the fields a finding carries). */
export interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  dateAdded: string;
  dueDate: string;
  /** `Known` or `Unknown`. */
  knownRansomwareCampaignUse: string;
  requiredAction: string;
}

/** FIRST's EPSS: the probability of exploitation activity in the next 30 days, and its percentile. */
export interface EpssScore {
  cve: string;
  score: number;
  percentile: number;
  /** The `score_date` of the file (YYYY-MM-DD). */
  date: string;
}

/** What a feed reader yields: an advisory, or enrichment for one CVE, or the date of the data read. */
export type FeedItem =
  | { kind: 'osv'; record: OsvRecord }
  | { kind: 'nvd'; record: NvdRecord }
  | { kind: 'kev'; entry: KevEntry }
  | { kind: 'epss'; score: EpssScore }
  /** The date the feed's data is from, when the feed states it (a catalog's release, EPSS's score_date). */
  | { kind: 'data-date'; date: string }
  /** One artifact of a Maven repository and the SHA-1 of its file (the scan identifies jars by it). */
  | { kind: 'maven-artifact'; sha1: string; artifact: MavenArtifact };

/** Everything the enrichment sources know about one CVE. */
export interface CveEnrichment {
  nvd?: NvdRecord;
  kev?: KevEntry;
  epss?: EpssScore;
}
