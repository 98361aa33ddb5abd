// Package URLs (https://github.com/package-url/purl-spec): the canonical form, the qualifiers OS ecosystems
// share, and `pkg:generic`. Each ecosystem's own builder lives in src/ecosystems/<type>/purl.ts.
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
  if (parts.subpath)
    purl += `#${parts.subpath
      .split('/')
      .filter((s) => s !== '' && s !== '.' && s !== '..')
      .map(encode)
      .join('/')}`;
  return purl;
}

/** `distro` qualifier: family and version, e.g. `debian-12.8`, `alpine-3.20.3`. */
export function distroQualifier(os: OsInfo | undefined): string | undefined {
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
export function upstreamQualifier(pkg: OsPackageFacts): string | undefined {
  if (!pkg.sourceName) return undefined;
  if (pkg.sourceVersion && pkg.sourceVersion !== pkg.version) return `${pkg.sourceName}@${pkg.sourceVersion}`;
  return pkg.sourceName !== pkg.name ? pkg.sourceName : undefined;
}

/** `pkg:generic/log4j-1.2@1.2.17`: a component no package ecosystem identifies (the spec's type for those). */
export function genericPurl(name: string, version: string): string {
  return formatPurl({ type: 'generic', name, version });
}
