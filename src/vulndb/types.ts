// The advisory model: the OSV schema (https://ossf.github.io/osv-schema/), which every feed is
// converted into, so the matcher reads one shape whatever the source.

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
}

export interface DbStatus {
  path: string;
  schemaVersion: number;
  builtAt: string;
  /** Whole days since builtAt. */
  ageDays: number;
  sources: SourceStatus[];
  warnings: string[];
}
