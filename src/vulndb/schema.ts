// The on-disk layout of the vulnerability database. Bump SCHEMA_VERSION on any change: an older
// or newer file is refused with a message rather than misread.
import { pep503Name } from '../ecosystems/pypi/purl.js';

export const SCHEMA_VERSION = 4;

export const DB_FILE = 'plimsoll.db';

export const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  url TEXT NOT NULL,
  records INTEGER NOT NULL,
  last_modified TEXT,
  data_date TEXT
);
CREATE TABLE advisories (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  advisory_id TEXT NOT NULL,
  modified TEXT,
  record TEXT NOT NULL
);
CREATE INDEX advisories_by_id ON advisories (advisory_id);
CREATE TABLE aliases (alias TEXT NOT NULL, advisory INTEGER NOT NULL, PRIMARY KEY (alias, advisory)) WITHOUT ROWID;
-- The matcher's look-up: every advisory for one package in one ecosystem, from the key alone.
CREATE TABLE affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory INTEGER NOT NULL, PRIMARY KEY (ecosystem, name, advisory)) WITHOUT ROWID;
-- How many advisories name a package of each ecosystem (what a scan's coverage reports), counted as the
-- build finishes: counted by each scan, it read every row of the ecosystems the image has.
CREATE TABLE advisory_counts (ecosystem TEXT PRIMARY KEY, advisories INTEGER NOT NULL) WITHOUT ROWID;
-- Enrichment, one row per CVE and source kind: NVD's record (CVSS, CWE, CPE configurations),
-- the KEV entry, the EPSS score. A later feed of the same kind replaces an earlier row.
CREATE TABLE nvd (cve TEXT PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id), record TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE kev (cve TEXT PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id), entry TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE epss (cve TEXT PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id), score REAL NOT NULL, percentile REAL NOT NULL, date TEXT NOT NULL) WITHOUT ROWID;
-- The CPE matcher's look-up: which CVEs' configurations name this vendor:product.
CREATE TABLE cpe_products (vendor TEXT NOT NULL, product TEXT NOT NULL, cve TEXT NOT NULL, PRIMARY KEY (vendor, product, cve)) WITHOUT ROWID;
CREATE INDEX cpe_products_by_product ON cpe_products (product);
-- The Java analyzer's look-up: which Maven artifacts a jar with this SHA-1 is (several when a
-- repository publishes one file under more than one group, as Debian's does for jsr305).
-- The score of every CVSS v4.0 vector the advisories and NVD records carry (NULL: it does not compute),
-- computed as they are stored: scoring v4.0 takes FIRST's calculator, whose loading cost every scan
-- about 10 ms. A vector's score depends on the vector alone, so a dropped source's rows stay correct.
CREATE TABLE cvss4_scores (vector TEXT PRIMARY KEY, score REAL) WITHOUT ROWID;
CREATE TABLE maven_sha1 (sha1 TEXT NOT NULL, group_id TEXT NOT NULL, artifact_id TEXT NOT NULL, version TEXT NOT NULL, source_id INTEGER NOT NULL REFERENCES sources(id), PRIMARY KEY (sha1, group_id, artifact_id, version)) WITHOUT ROWID;
`;

/**
 * Package names as stored and looked up. PyPI names compare after PEP 503 normalisation
 * (`Django`, `django`, `zope_interface` vs `zope.interface`); other ecosystems compare exactly.
 */
export function normalizeName(ecosystem: string, name: string): string {
  if (ecosystem === 'PyPI') return pep503Name(name);
  return name;
}
