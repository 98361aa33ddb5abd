// The feeds a database is built from, and where each one lives: the public endpoints by
// default, or the same layout under one mirror base (a directory or an HTTP server), which is
// how an air-gapped site serves them (see ../shared/vulndata for such a mirror). NVD is the one
// feed that is an API rather than a file: an http(s) mirror serves it as a proxy of that API
// under `<mirror>/nvd/rest/json/cves/2.0`, a directory mirror as one file per CVE under `nvd/`.
import { basename, resolve } from 'node:path';
import { InputError } from '../errors.js';

export type FeedKind =
  'osv-zip' | 'alpine-secdb' | 'debian-list' | 'debian-tracker-json' | 'osv-dir' | 'nvd-dir' | 'nvd-api' | 'kev' | 'epss' | 'maven-repo' | 'maven-index';

export interface Feed {
  /** Stable name used in status, messages and the download cache (`osv/Go`). */
  name: string;
  kind: FeedKind;
  /** The ecosystem this feed covers (`Go`, `Alpine:v3.11`, `Debian`). */
  ecosystem: string;
  /** Where it is read from: an https/http URL or an absolute file path. */
  location: string;
  /** Extra facts a reader needs (the Alpine release and repository). */
  release?: string;
  repository?: string;
}

/** OSV ecosystems published as `<base>/<Ecosystem>/all.zip`. */
export const OSV_ECOSYSTEMS = [
  'AlmaLinux',
  'Alpine',
  'Chainguard',
  'crates.io',
  'Debian',
  'Go',
  'Hex',
  'Maven',
  'npm',
  'NuGet',
  'openSUSE',
  'Packagist',
  'Pub',
  'PyPI',
  'Red Hat',
  'Rocky Linux',
  'RubyGems',
  'SUSE',
  'Ubuntu',
  'Wolfi',
];

/** Alpine releases the secdb may hold; those a server does not have are skipped. */
export const ALPINE_RELEASES = [...Array.from({ length: 21 }, (_, i) => `v3.${i + 2}`), 'edge'];
const ALPINE_REPOSITORIES = ['main', 'community'];

export interface Endpoints {
  osv: string;
  alpineSecdb: string;
  /** Raw files of the security tracker's repository (`data/DSA/list`...). */
  debianTrackerRepo: string;
  /** The tracker web site (`data/json`). */
  debianTracker: string;
  /** The NVD CVE API 2.0 (an http(s) URL), or a directory of NVD records one per file (`CVE-YYYY/CVE-….json`). */
  nvd: string;
  /** The CISA KEV catalog file. */
  kev: string;
  /** FIRST's EPSS scores of the day, gzipped CSV. */
  epss: string;
}

export const PUBLIC_ENDPOINTS: Endpoints = {
  osv: 'https://osv-vulnerabilities.storage.googleapis.com',
  alpineSecdb: 'https://secdb.alpinelinux.org',
  debianTrackerRepo: 'https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master',
  debianTracker: 'https://security-tracker.debian.org/tracker',
  nvd: 'https://services.nvd.nist.gov/rest/json/cves/2.0',
  kev: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json',
  // FIRST's published address; it redirects to the day's `epss_scores-YYYY-MM-DD.csv.gz`.
  epss: 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz',
};

/** The mirror layout: one folder per upstream, each laid out as its upstream is. */
export function mirrorEndpoints(mirror: string): Endpoints {
  const base = isUrl(mirror) ? checkedUrl(mirror).replace(/\/+$/, '') : resolve(mirror);
  return {
    osv: `${base}/osv`,
    alpineSecdb: `${base}/alpine-secdb`,
    debianTrackerRepo: `${base}/debian-security-tracker`,
    debianTracker: `${base}/debian-security-tracker`,
    nvd: isUrl(mirror) ? `${base}/nvd/rest/json/cves/2.0` : `${base}/nvd`,
    kev: `${base}/kev/known_exploited_vulnerabilities.json`,
    // A fixed name, so an HTTP mirror needs no directory listing: the site copies the day's file there.
    epss: `${base}/epss/epss_scores-current.csv.gz`,
  };
}

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** Plain http only for loopback: feeds decide what is reported vulnerable, so they travel over TLS. */
export function checkedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`${text}: not a valid URL`);
  }
  if (url.protocol === 'https:') return text;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return text;
  throw new InputError(`${text}: only https URLs (or plain http on localhost/127.0.0.1/[::1]) are accepted for feeds`);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function join(base: string, ...parts: string[]): string {
  if (!isUrl(base)) return resolve(base, ...parts);
  return [base, ...parts.map((p) => p.split('/').map(encodeURIComponent).join('/'))].join('/');
}

/** Every feed, in the order they are read. */
export function feedsFor(endpoints: Endpoints): Feed[] {
  const feeds: Feed[] = OSV_ECOSYSTEMS.map((eco) => ({
    name: `osv/${eco}`,
    kind: 'osv-zip',
    ecosystem: eco,
    location: join(endpoints.osv, eco, 'all.zip'),
  }));
  for (const release of ALPINE_RELEASES) {
    for (const repository of ALPINE_REPOSITORIES) {
      feeds.push({
        name: `alpine-secdb/${release}/${repository}`,
        kind: 'alpine-secdb',
        ecosystem: `Alpine:${release}`,
        location: join(endpoints.alpineSecdb, release, `${repository}.json`),
        release,
        repository,
      });
    }
  }
  for (const list of ['DSA', 'DLA']) {
    feeds.push({ name: `debian/${list}`, kind: 'debian-list', ecosystem: 'Debian', location: join(endpoints.debianTrackerRepo, 'data', list, 'list') });
  }
  feeds.push({ name: 'debian/tracker', kind: 'debian-tracker-json', ecosystem: 'Debian', location: join(endpoints.debianTracker, 'data', 'json') });
  // Enrichment last: it describes CVEs, whatever ecosystem found them.
  feeds.push({ name: 'nvd', kind: isUrl(endpoints.nvd) ? 'nvd-api' : 'nvd-dir', ecosystem: 'CVE', location: endpoints.nvd });
  feeds.push({ name: 'kev', kind: 'kev', ecosystem: 'CVE', location: endpoints.kev });
  feeds.push({ name: 'epss', kind: 'epss', ecosystem: 'CVE', location: endpoints.epss });
  return feeds;
}

/** Where a Maven repository publishes its indexer file (Central: https://repo.maven.apache.org/maven2/.index/). */
export const MAVEN_INDEX_PATH = '.index/nexus-maven-repository-index.gz';

/**
 * Private feeds from `--source` (repeatable): `osv-dir:PATH`, a directory of OSV records or a zip of
 * them; `maven-repo:PATH|URL`, a Maven repository for the SHA-1 index: a directory is walked, a
 * `.gz` file or URL is read as the Maven indexer's file, and any other URL is a repository whose
 * published index (`.index/nexus-maven-repository-index.gz`) is downloaded, since a web server
 * lists no directories. Unlike the public feeds, a private feed that is missing is an error.
 */
export function privateFeeds(specs: string[]): Feed[] {
  return specs.map((spec) => {
    const match = /^(osv-dir|maven-repo):(.+)$/.exec(spec);
    const where = match?.[2];
    if (!where) throw new InputError(`${spec}: unknown source; expected osv-dir:PATH or maven-repo:PATH|URL`);
    if (match[1] === 'osv-dir') {
      const location = resolve(where);
      return { name: `private/${basename(location)}`, kind: 'osv-dir', ecosystem: 'private', location };
    }
    const url = isUrl(where);
    const location = url ? checkedUrl(where).replace(/\/+$/, '') : resolve(where);
    const index = location.endsWith('.gz');
    return {
      name: `maven-repo/${basename(location.replace(/\/\.index\/[^/]+$/, '')) || 'repository'}`,
      kind: index || url ? 'maven-index' : 'maven-repo',
      ecosystem: 'Maven',
      location: url && !index ? `${location}/${MAVEN_INDEX_PATH}` : location,
    };
  });
}

/** Feeds a site named itself: missing is an error, not a gap in a mirror. */
export function isPrivateFeed(feed: Feed): boolean {
  return feed.kind === 'osv-dir' || feed.kind === 'maven-repo' || feed.kind === 'maven-index';
}
