// Go modules: the build information of Go binaries, and go.mod files.
import { defineEcosystem } from '../ecosystem.js';
import { goBinaryAnalyzer } from './go-binary.js';
import { goModAnalyzer } from './go-mod.js';
import { golang as golangScheme } from './version.js';

export { golangPurl } from './purl.js';

/** Go's advisories write versions without the `v` that module versions (and our inventory) carry. */
function withV(version: string): string {
  return version === '0' || version.startsWith('v') ? version : `v${version}`;
}
const compare = (a: string, b: string) => golangScheme.compare(withV(a), withV(b));

export const golang = defineEcosystem({
  type: 'golang',
  purlType: 'golang',
  os: false,
  analyzers: [
    { stage: 'binary', analyzer: goBinaryAnalyzer },
    { stage: 'binary', analyzer: goModAnalyzer },
  ],
  versions: { golang: golangScheme },
  advisories: { ecosystem: 'Go', comparators: { ecosystem: compare, semver: compare }, display: withV },
});
