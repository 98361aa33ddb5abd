// npm's versions and ranges, as the `semver` package (npm's own) defines them.
// Versions are ordered here without allocation; ranges are delegated to `semver`,
// whose grammar (^, ~, x, hyphen ranges, ||) is the definition.
import { Range, SemVer as NpmSemVer } from 'semver';
import { compareSemVer, fromMatch, type SemVer } from '../../versions/semver-core.js';
import { cached, compareStrings, VersionError, type Ordering, type RangeScheme } from '../../versions/scheme.js';

const MAX_LENGTH = 256;
const ID = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
// semver's strict FULL pattern: an optional 'v', then SemVer 2.0.0.
const NPM_RE = new RegExp(`^v?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(?:-(${ID}(?:\\.${ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`);
const NUMERIC = /^[0-9]+$/;

function fail(text: string, reason: string): never {
  throw new VersionError('npm', text, reason);
}

function parseNpm(text: string): SemVer {
  if (text.length > MAX_LENGTH) fail(text, `longer than ${MAX_LENGTH} characters`);
  const m = NPM_RE.exec(text.trim());
  if (m === null) fail(text, 'not a valid semver version');
  const v = fromMatch(m);
  for (const part of [v.major, v.minor, v.patch]) {
    if (Number(part) > Number.MAX_SAFE_INTEGER) fail(text, `${part} is above ${Number.MAX_SAFE_INTEGER}`);
  }
  return v;
}

/** semver's compareIdentifiers: numeric identifiers compare as JavaScript numbers (beyond 2^53, approximately, as npm does). */
function compareNpmIdentifier(a: string, b: string): Ordering {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (an) return -1;
  if (bn) return 1;
  return compareStrings(a, b);
}

function parseNpmRange(text: string): Range {
  try {
    return new Range(text);
  } catch (err) {
    throw new VersionError('npm', text, err instanceof Error ? err.message : String(err), 'range');
  }
}

const parse = cached(parseNpm);
const range = cached(parseNpmRange, 10_000);
const npmSemVer = cached((text: string) => (parse(text), new NpmSemVer(text)));

export const npm: RangeScheme<SemVer, Range> = {
  name: 'npm',
  parse,
  compare: (a, b) => compareSemVer(parse(a), parse(b), compareNpmIdentifier),
  parseRange: range,
  satisfies: (version, r) => range(r).test(npmSemVer(version)),
};
