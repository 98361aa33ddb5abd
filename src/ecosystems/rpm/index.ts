// RPM packages: the rpm database (BerkeleyDB, NDB or SQLite), rpm version order, the distributions' advisories.
import { semver } from '../../versions/semver.js';
import { defineEcosystem } from '../ecosystem.js';
import { rpmAnalyzer } from './rpm.js';
import { rpm as rpmScheme } from './version.js';

export { rpmPurl, type RpmFacts } from './purl.js';

const comparators = { ecosystem: rpmScheme.compare, semver: semver.compare };

export const rpm = defineEcosystem({
  type: 'rpm',
  purlType: 'rpm',
  os: true,
  analyzers: [{ stage: 'os', analyzer: rpmAnalyzer }],
  versions: { rpm: rpmScheme },
  releases: {
    families: ['almalinux', 'rocky'],
    ecosystem({ os, family, major, numeric }) {
      if (!numeric) return { reason: `${os.family} ${os.version}: not a release number` };
      return {
        ecosystem: `${family === 'rocky' ? 'Rocky Linux' : 'AlmaLinux'}:${major}`,
        packageType: 'rpm',
        comparators,
        // Their advisories name the source package or the binary one.
        names: (p) => [...new Set([p.source?.name ?? p.name, p.name])],
        version: (p) => p.version,
        family,
      };
    },
  },
});
