// Python distributions: installed metadata (dist-info, egg-info) and lock files.
import { semver } from '../../versions/semver.js';
import { defineEcosystem } from '../ecosystem.js';
import { pythonAnalyzer } from './python.js';
import { pep440 } from './version.js';

export { pep503Name, pypiPurl } from './purl.js';

export const pypi = defineEcosystem({
  type: 'pypi',
  purlType: 'pypi',
  os: false,
  analyzers: [{ stage: 'manifest', analyzer: pythonAnalyzer }],
  versions: { pep440 },
  advisories: { ecosystem: 'PyPI', comparators: { ecosystem: pep440.compare, semver: semver.compare } },
});
