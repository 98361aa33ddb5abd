// Debian and Ubuntu packages: the dpkg database, dpkg version order, the distributions' advisories.
import type { Package } from '../../model/package.js';
import { semver } from '../../versions/semver.js';
import { defineEcosystem } from '../ecosystem.js';
import { dpkgAnalyzer } from './dpkg.js';
import { dpkg } from './version.js';

export { debPurl } from './purl.js';

const comparators = { ecosystem: dpkg.compare, semver: semver.compare };

export const deb = defineEcosystem({
  type: 'deb',
  purlType: 'deb',
  os: true,
  analyzers: [{ stage: 'os', analyzer: dpkgAnalyzer }],
  versions: { dpkg },
  releases: {
    families: ['debian', 'ubuntu'],
    ecosystem({ os, family, major, minor, numeric }) {
      // Advisory ranges are written in source versions, and filed under the source package.
      const keys = {
        packageType: 'deb',
        comparators,
        names: (p: Package) => [p.source?.name ?? p.name],
        version: (p: Package) => p.source?.version ?? p.version,
        family,
      } as const;
      if (family === 'debian') {
        if (!numeric) return { reason: `Debian ${os.version} is testing or unstable, which the advisory feeds do not track as a release` };
        return { ecosystem: `Debian:${major}`, ...keys };
      }
      if (!numeric || !minor) return { reason: `Ubuntu ${os.version}: not a release number` };
      const lts = minor === '04' && Number(major) % 2 === 0;
      return { ecosystem: `Ubuntu:${major}.${minor}${lts ? ':LTS' : ''}`, ...keys };
    },
  },
});
