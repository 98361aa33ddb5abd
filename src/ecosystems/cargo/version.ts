// crates.io versions and Cargo's requirement syntax, after the `semver` crate
// that Cargo uses: versions are strict SemVer 2.0.0 with u64 numbers; a
// requirement is comma-separated comparators (=, >, >=, <, <=, ~, ^, bare
// caret, wildcards * x X). Versions are ordered by SemVer precedence (build
// metadata ignored), which is also what OSV's SEMVER ranges use.
import { compareDigits, cached, VersionError, type Ordering, type RangeScheme } from '../../versions/scheme.js';
import { compareSemVer, comparePre, matchSemVer, semverReason, type SemVer } from '../../versions/semver-core.js';

const U64_MAX = '18446744073709551615';

type Op = '=' | '>' | '>=' | '<' | '<=' | '~' | '^' | '*';

export interface CargoComparator {
  op: Op;
  /** null for a bare wildcard (any version). */
  major: string | null;
  /** null when left out or a wildcard. */
  minor: string | null;
  patch: string | null;
  pre: string[];
}

function parseCargo(text: string): SemVer {
  const v = matchSemVer(text);
  if (v === null) throw new VersionError('cargo', text, semverReason(text));
  for (const part of [v.major, v.minor, v.patch]) {
    if (compareDigits(part, U64_MAX) > 0) throw new VersionError('cargo', text, `${part} does not fit in 64 bits`);
  }
  return v;
}

const COMPARATOR =
  /^(=|>=|>|<=|<|~|\^)?\s*(0|[1-9][0-9]*|[*xX])(?:\.(0|[1-9][0-9]*|[*xX]))?(?:\.(0|[1-9][0-9]*|[*xX]))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function parseComparator(req: string, text: string): CargoComparator {
  const m = COMPARATOR.exec(text);
  const fail = (reason: string): never => {
    throw new VersionError('cargo', req, reason, 'requirement');
  };
  if (m === null) return fail(`cannot parse comparator ${JSON.stringify(text)}`);
  const parts = [m[2], m[3], m[4]];
  const wild = parts.findIndex((p) => p !== undefined && /^[*xX]$/.test(p));
  if (wild >= 0 && parts.slice(wild + 1).some((p) => p !== undefined && !/^[*xX]$/.test(p))) {
    fail('a number cannot follow a wildcard');
  }
  const pre = m[5] === undefined ? [] : m[5].split('.');
  if (pre.length > 0 && (wild >= 0 || m[4] === undefined)) fail('a pre-release needs a full MAJOR.MINOR.PATCH version');
  if (pre.some((id) => /^0[0-9]+$/.test(id))) fail('invalid leading zero in pre-release identifier');
  if (wild === 0) {
    if (m[1] !== undefined && m[1] !== '=') fail('unexpected operator before a wildcard');
    return { op: '*', major: null, minor: null, patch: null, pre };
  }
  const defined = (p: string | undefined): string | null => (p === undefined || /^[*xX]$/.test(p) ? null : p);
  const op = (m[1] as Op | undefined) ?? (wild > 0 ? '*' : '^');
  return { op: wild > 0 && op === '=' ? '*' : op, major: m[2] ?? '', minor: defined(m[3]), patch: defined(m[4]), pre };
}

function parseRequirement(text: string): CargoComparator[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new VersionError('cargo', text, 'empty requirement', 'requirement');
  return trimmed.split(',').map((part) => parseComparator(text, part.trim()));
}

const num = compareDigits;

function matchesExact(c: CargoComparator, v: SemVer): boolean {
  if (c.major === null) return true;
  if (num(v.major, c.major) !== 0) return false;
  if (c.minor !== null && num(v.minor, c.minor) !== 0) return false;
  if (c.patch !== null && num(v.patch, c.patch) !== 0) return false;
  return comparePre(v.pre, c.pre) === 0;
}

/** Orders v against the comparator's version over the parts it gives; null when a missing part decides nothing. */
function partial(c: CargoComparator, v: SemVer): Ordering | null {
  if (c.major === null) return null;
  const major = num(v.major, c.major);
  if (major !== 0) return major;
  if (c.minor === null) return null;
  const minor = num(v.minor, c.minor);
  if (minor !== 0) return minor;
  if (c.patch === null) return null;
  const patch = num(v.patch, c.patch);
  if (patch !== 0) return patch;
  return comparePre(v.pre, c.pre);
}

function matchesTilde(c: CargoComparator, v: SemVer): boolean {
  if (c.major === null) return true;
  if (num(v.major, c.major) !== 0) return false;
  if (c.minor !== null && num(v.minor, c.minor) !== 0) return false;
  if (c.patch !== null && num(v.patch, c.patch) !== 0) return num(v.patch, c.patch) > 0;
  return comparePre(v.pre, c.pre) >= 0;
}

function matchesCaret(c: CargoComparator, v: SemVer): boolean {
  if (c.major === null) return true;
  if (num(v.major, c.major) !== 0) return false;
  if (c.minor === null) return true;
  const minor = num(v.minor, c.minor);
  if (c.patch === null) return c.major !== '0' ? minor >= 0 : minor === 0;
  const patch = num(v.patch, c.patch);
  if (c.major !== '0') {
    if (minor !== 0) return minor > 0;
    if (patch !== 0) return patch > 0;
  } else if (c.minor !== '0') {
    if (minor !== 0) return false;
    if (patch !== 0) return patch > 0;
  } else if (minor !== 0 || patch !== 0) {
    return false;
  }
  return comparePre(v.pre, c.pre) >= 0;
}

function matchesComparator(c: CargoComparator, v: SemVer): boolean {
  switch (c.op) {
    case '*':
    case '=':
      return matchesExact(c, v);
    case '>':
      return partial(c, v) === 1;
    case '>=':
      return matchesExact(c, v) || partial(c, v) === 1;
    case '<':
      return partial(c, v) === -1;
    case '<=':
      return matchesExact(c, v) || partial(c, v) === -1;
    case '~':
      return matchesTilde(c, v);
    case '^':
      return matchesCaret(c, v);
  }
}

/**
 * A pre-release only matches when some comparator names the same
 * MAJOR.MINOR.PATCH with a pre-release of its own (Cargo's opt-in rule).
 */
function preIsCompatible(c: CargoComparator, v: SemVer): boolean {
  return (
    c.pre.length > 0 &&
    c.major !== null &&
    num(c.major, v.major) === 0 &&
    c.minor !== null &&
    num(c.minor, v.minor) === 0 &&
    c.patch !== null &&
    num(c.patch, v.patch) === 0
  );
}

export function matchesRequirement(req: readonly CargoComparator[], v: SemVer): boolean {
  if (!req.every((c) => matchesComparator(c, v))) return false;
  return v.pre.length === 0 || req.some((c) => preIsCompatible(c, v));
}

const parse = cached(parseCargo);
const parseRange = cached(parseRequirement, 10_000);

export const cargo: RangeScheme<SemVer, CargoComparator[]> = {
  name: 'cargo',
  parse,
  compare: (a, b) => compareSemVer(parse(a), parse(b)),
  parseRange,
  satisfies: (version, req) => matchesRequirement(parseRange(req), parse(version)),
};
