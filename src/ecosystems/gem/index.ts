// Ruby gems: installed gemspecs and Gemfile.lock.
import { semver } from '../../versions/semver.js';
import { defineEcosystem } from '../ecosystem.js';
import { rubyAnalyzer } from './ruby.js';
import { rubygems } from './version.js';

export { gemPurl } from './purl.js';

export const gem = defineEcosystem({
  type: 'gem',
  purlType: 'gem',
  os: false,
  analyzers: [{ stage: 'manifest', analyzer: rubyAnalyzer }],
  versions: { rubygems },
  advisories: { ecosystem: 'RubyGems', comparators: { ecosystem: rubygems.compare, semver: semver.compare } },
});
