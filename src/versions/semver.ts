// Plain SemVer 2.0.0 (semver.org): exact grammar, numbers of any size, build metadata ignored in the order.
import { compareSemVer, matchSemVer, semverReason, type SemVer } from './semver-core.js';
import { cached, VersionError, type VersionScheme } from './scheme.js';

function parseSemVer(text: string): SemVer {
  const v = matchSemVer(text);
  if (v === null) throw new VersionError('semver', text, semverReason(text));
  return v;
}

const parse = cached(parseSemVer);

export const semver: VersionScheme<SemVer> = {
  name: 'semver',
  parse,
  compare: (a, b) => compareSemVer(parse(a), parse(b)),
};
