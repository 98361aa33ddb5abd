// Package URLs (https://github.com/package-url/purl-spec) for the package types Plimsoll reports.
import type { OsInfo } from './os.js';

export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  /** Empty or undefined values are left out, as the spec requires. */
  qualifiers?: Record<string, string | undefined>;
  subpath?: string;
}

/** Percent-encodes everything but unreserved characters; ':' may stay as is (spec: "need not be encoded"). */
function encode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%3A/g, ':');
}

/** The canonical purl string: lower-case type, qualifiers sorted by key, components percent-encoded. */
export function formatPurl(parts: PurlParts): string {
  let purl = `pkg:${parts.type.toLowerCase()}/`;
  if (parts.namespace) purl += `${parts.namespace.split('/').map(encode).join('/')}/`;
  purl += encode(parts.name);
  if (parts.version) purl += `@${encode(parts.version)}`;
  const qualifiers = Object.entries(parts.qualifiers ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => [key.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (qualifiers.length > 0) purl += `?${qualifiers.map(([key, value]) => `${key}=${encode(value)}`).join('&')}`;
  if (parts.subpath) purl += `#${parts.subpath.split('/').filter((s) => s !== '' && s !== '.' && s !== '..').map(encode).join('/')}`;
  return purl;
}

/** Purl namespaces of the rpm vendors whose family name differs from the vendor's usual purl name. */
const RPM_NAMESPACES: Record<string, string> = {
  rhel: 'redhat',
  'centos-stream': 'centos',
  'opensuse-leap': 'opensuse',
  'opensuse-tumbleweed': 'opensuse',
  sles: 'suse',
  'cbl-mariner': 'mariner',
  amazon: 'amzn',
};

/** `distro` qualifier: family and version, e.g. `debian-12.8`, `alpine-3.20.3`. */
function distro(os: OsInfo | undefined): string | undefined {
  return os ? (os.version ? `${os.family}-${os.version}` : os.family) : undefined;
}

/** Splits a leading `epoch:` off a Debian or RPM version. */
export function splitEpoch(version: string): { epoch?: string; rest: string } {
  const m = /^(\d+):(.*)$/.exec(version);
  return m ? { epoch: m[1], rest: m[2] ?? '' } : { rest: version };
}

export interface OsPackageFacts {
  name: string;
  version: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
}

/** `upstream`: the source package, with its version when that differs from the binary's. */
function upstream(pkg: OsPackageFacts): string | undefined {
  if (!pkg.sourceName) return undefined;
  if (pkg.sourceVersion && pkg.sourceVersion !== pkg.version) return `${pkg.sourceName}@${pkg.sourceVersion}`;
  return pkg.sourceName !== pkg.name ? pkg.sourceName : undefined;
}

/** `pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12.8`; an epoch goes to the `epoch` qualifier. */
export function debPurl(pkg: OsPackageFacts, os?: OsInfo): string {
  const { epoch, rest } = splitEpoch(pkg.version);
  return formatPurl({
    type: 'deb',
    namespace: os?.family ?? 'debian',
    name: pkg.name,
    version: rest,
    qualifiers: { arch: pkg.arch, distro: distro(os), epoch, upstream: upstream(pkg) },
  });
}

/** `pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3`; Wolfi and Chainguard keep their own namespace. */
export function apkPurl(pkg: OsPackageFacts, os?: OsInfo): string {
  return formatPurl({
    type: 'apk',
    namespace: os?.family ?? 'alpine',
    name: pkg.name,
    version: pkg.version,
    qualifiers: { arch: pkg.arch, distro: distro(os), upstream: upstream(pkg) },
  });
}

export interface RpmFacts {
  name: string;
  epoch?: number | string;
  version: string;
  release: string;
  arch?: string;
  /** The source RPM file name (`curl-7.61.1-25.el8.src.rpm`). */
  sourceRpm?: string;
}

/** `pkg:rpm/redhat/curl@7.61.1-25.el8?arch=x86_64&distro=rhel-8.9&epoch=1&upstream=curl-7.61.1-25.el8.src.rpm`. */
export function rpmPurl(pkg: RpmFacts, os?: OsInfo): string {
  const epoch = pkg.epoch === undefined || pkg.epoch === '' ? undefined : String(pkg.epoch);
  return formatPurl({
    type: 'rpm',
    namespace: os ? (RPM_NAMESPACES[os.family] ?? os.family) : undefined,
    name: pkg.name,
    version: `${pkg.version}-${pkg.release}`,
    qualifiers: { arch: pkg.arch, distro: distro(os), epoch: epoch === '0' ? undefined : epoch, upstream: pkg.sourceRpm },
  });
}

/** `pkg:npm/%40babel/core@7.24.0`: a scope is the namespace, with its `@` (encoded as `%40`). */
export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  return slash > 0
    ? formatPurl({ type: 'npm', namespace: name.slice(0, slash), name: name.slice(slash + 1), version })
    : formatPurl({ type: 'npm', name, version });
}

/** PEP 503 normalised name: lower case, runs of `-`, `_` and `.` become one `-`. */
export function pep503Name(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** `pkg:pypi/charset-normalizer@3.0.1`: the purl spec lower-cases and turns `_` into `-`; PEP 503 also folds `.`. */
export function pypiPurl(name: string, version: string): string {
  return formatPurl({ type: 'pypi', name: pep503Name(name), version });
}

/** `pkg:gem/rack@3.0.8`, with `platform` when the gem is not the pure-Ruby build. */
export function gemPurl(name: string, version: string, platform?: string): string {
  return formatPurl({ type: 'gem', name, version, qualifiers: { platform: platform === 'ruby' ? undefined : platform } });
}

/** `pkg:cargo/serde@1.0.200`. */
export function cargoPurl(name: string, version: string): string {
  return formatPurl({ type: 'cargo', name, version });
}

/** `pkg:composer/symfony/console@6.4.1`: the vendor is the namespace; names are lower case on Packagist. */
export function composerPurl(name: string, version: string): string {
  const [vendor, project] = name.toLowerCase().split('/', 2);
  return project ? formatPurl({ type: 'composer', namespace: vendor, name: project, version }) : formatPurl({ type: 'composer', name: name.toLowerCase(), version });
}

/** `pkg:nuget/Newtonsoft.Json@13.0.3`: NuGet ids keep their case in purls. */
export function nugetPurl(name: string, version: string): string {
  return formatPurl({ type: 'nuget', name, version });
}

/**
 * `pkg:golang/github.com/google/uuid@v1.3.0`: the module path split at its last '/', lower-cased as
 * the golang type requires; the standard library is `pkg:golang/stdlib@v1.19.8`, as OSV names it.
 */
export function golangPurl(modulePath: string, version: string): string {
  const path = modulePath.toLowerCase();
  const slash = path.lastIndexOf('/');
  return formatPurl({
    type: 'golang',
    ...(slash > 0 ? { namespace: path.slice(0, slash) } : {}),
    name: path.slice(slash + 1),
    version,
  });
}

/** `pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.14.0`: groupId as namespace (case kept; the maven type requires one). */
export function mavenPurl(groupId: string | undefined, artifactId: string, version: string): string {
  return formatPurl({ type: 'maven', ...(groupId ? { namespace: groupId } : {}), name: artifactId, version });
}

/** `pkg:generic/log4j-1.2@1.2.17`: a component no package ecosystem identifies (the spec's type for those). */
export function genericPurl(name: string, version: string): string {
  return formatPurl({ type: 'generic', name, version });
}
