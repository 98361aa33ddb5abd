// .NET packages: *.deps.json and packages.lock.json.
import { semver } from '../../versions/semver.js';
import { defineEcosystem } from '../ecosystem.js';
import { dotnetAnalyzer } from './dotnet.js';
import { nuget as nugetScheme } from './version.js';

export { nugetPurl } from './purl.js';

export const nuget = defineEcosystem({
  type: 'nuget',
  purlType: 'nuget',
  os: false,
  analyzers: [{ stage: 'manifest', analyzer: dotnetAnalyzer }],
  versions: { nuget: nugetScheme },
  advisories: { ecosystem: 'NuGet', comparators: { ecosystem: nugetScheme.compare, semver: semver.compare } },
});
