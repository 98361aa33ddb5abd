// Go module versions (golang.org/x/mod/semver): a required 'v', SemVer 2.0.0 with
// the shorthands vMAJOR and vMAJOR.MINOR, build metadata (such as +incompatible)
// ignored. Pseudo-versions (v0.0.0-20191109021931-daa7c04131f5,
// v1.2.4-0.20191109021931-daa7c04131f5) are pre-releases and need no special case.
import { compareSemVer, matchSemVer, semverReason, type SemVer } from '../../versions/semver-core.js';
import { cached, VersionError, type VersionScheme } from '../../versions/scheme.js';

const SHORTHAND = /^(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?$/;

function parseGo(text: string): SemVer {
  if (!text.startsWith('v')) throw new VersionError('golang', text, "must start with 'v'");
  const body = text.slice(1);
  const short = SHORTHAND.exec(body);
  if (short !== null) {
    const [, major = '', minor = '0'] = short;
    return { major, minor, patch: '0', pre: [], build: [] };
  }
  const v = matchSemVer(body);
  if (v === null) throw new VersionError('golang', text, semverReason(body));
  return v;
}

const parse = cached(parseGo);

export const golang: VersionScheme<SemVer> = {
  name: 'golang',
  parse,
  compare: (a, b) => compareSemVer(parse(a), parse(b)),
};
