// PHP packages: composer.lock and vendor/composer/installed.json.
import { semver } from '../../versions/semver.js';
import { defineEcosystem } from '../ecosystem.js';
import { composerAnalyzer } from './composer.js';
import { composer as composerScheme } from './version.js';

export { composerPurl } from './purl.js';

export const composer = defineEcosystem({
  type: 'composer',
  purlType: 'composer',
  os: false,
  analyzers: [{ stage: 'manifest', analyzer: composerAnalyzer }],
  versions: { composer: composerScheme },
  advisories: { ecosystem: 'Packagist', comparators: { ecosystem: composerScheme.compare, semver: semver.compare } },
});
