// Debian package URLs.
import type { OsInfo } from '../../model/os.js';
import { distroQualifier, formatPurl, splitEpoch, upstreamQualifier, type OsPackageFacts } from '../../model/purl.js';

/** `pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12.8`; an epoch goes to the `epoch` qualifier. */
export function debPurl(pkg: OsPackageFacts, os?: OsInfo): string {
  const { epoch, rest } = splitEpoch(pkg.version);
  return formatPurl({
    type: 'deb',
    namespace: os?.family ?? 'debian',
    name: pkg.name,
    version: rest,
    qualifiers: { arch: pkg.arch, distro: distroQualifier(os), epoch, upstream: upstreamQualifier(pkg) },
  });
}
