// Alpine package URLs.
import type { OsInfo } from '../../model/os.js';
import { distroQualifier, formatPurl, upstreamQualifier, type OsPackageFacts } from '../../model/purl.js';

/** `pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3`; Wolfi and Chainguard keep their own namespace. */
export function apkPurl(pkg: OsPackageFacts, os?: OsInfo): string {
  return formatPurl({
    type: 'apk',
    namespace: os?.family ?? 'alpine',
    name: pkg.name,
    version: pkg.version,
    qualifiers: { arch: pkg.arch, distro: distroQualifier(os), upstream: upstreamQualifier(pkg) },
  });
}
