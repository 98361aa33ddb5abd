// Alpine, Wolfi and Chainguard packages: the apk database, apk version order, the distributions' advisories.
import type { Package } from '../../model/package.js';
import { semver } from '../../versions/semver.js';
import { defineEcosystem } from '../ecosystem.js';
import { apkAnalyzer } from './apk.js';
import { apk as apkScheme } from './version.js';

export { apkPurl } from './purl.js';

const comparators = { ecosystem: apkScheme.compare, semver: semver.compare };

export const apk = defineEcosystem({
  type: 'apk',
  purlType: 'apk',
  os: true,
  analyzers: [{ stage: 'os', analyzer: apkAnalyzer }],
  versions: { apk: apkScheme },
  releases: {
    families: ['alpine', 'wolfi', 'chainguard'],
    ecosystem({ os, family, major, minor, numeric }) {
      const keys = { packageType: 'apk', comparators, names: (p: Package) => [p.source?.name ?? p.name], version: (p: Package) => p.version, family } as const;
      if (family !== 'alpine') return { ecosystem: family === 'wolfi' ? 'Wolfi' : 'Chainguard', ...keys };
      if (!numeric || !/^\d+$/.test(minor)) return { reason: `Alpine release ${os.version} (edge or unknown) has no release branch to match against` };
      return { ecosystem: `Alpine:v${major}.${minor}`, ...keys };
    },
  },
});
