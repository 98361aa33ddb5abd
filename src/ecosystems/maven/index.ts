// Java archives (jar, war, ear and nested jars), identified as Maven artifacts.
import { semver } from '../../versions/semver.js';
import { defineEcosystem } from '../ecosystem.js';
import { javaArchiveAnalyzer } from './java-archive.js';
import { maven as mavenScheme } from './version.js';

export { mavenPurl } from './purl.js';

export const maven = defineEcosystem({
  type: 'maven',
  purlType: 'maven',
  os: false,
  analyzers: [{ stage: 'binary', analyzer: javaArchiveAnalyzer }],
  versions: { maven: mavenScheme },
  advisories: { ecosystem: 'Maven', comparators: { ecosystem: mavenScheme.compare, semver: semver.compare } },
});
