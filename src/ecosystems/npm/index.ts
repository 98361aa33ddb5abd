// npm packages: installed node_modules, package-lock, yarn and pnpm lock files.
import { defineEcosystem } from '../ecosystem.js';
import { npmAnalyzer } from './npm.js';
import { npm as npmScheme } from './version.js';

export { npmPurl } from './purl.js';

export const npm = defineEcosystem({
  type: 'npm',
  purlType: 'npm',
  os: false,
  analyzers: [{ stage: 'manifest', analyzer: npmAnalyzer }],
  versions: { npm: npmScheme },
  advisories: { ecosystem: 'npm', comparators: { ecosystem: npmScheme.compare, semver: npmScheme.compare } },
});
