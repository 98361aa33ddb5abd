// RPM package URLs.
import type { OsInfo } from '../../model/os.js';
import { distroQualifier, formatPurl } from '../../model/purl.js';

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
    qualifiers: { arch: pkg.arch, distro: distroQualifier(os), epoch: epoch === '0' ? undefined : epoch, upstream: pkg.sourceRpm },
  });
}
