// Whether a version lies in an OSV `affected[]` entry, exactly as the OSV schema defines it
// (https://ossf.github.io/osv-schema/#evaluation): a version is affected when it is listed in
// `versions` or lies in any range. Within a range the events are sorted by version and walked:
// `introduced` opens, `fixed` closes (that version is not affected), `last_affected` closes after
// that version, and `limit` bounds the whole range from above. `introduced: "0"` is the start of
// time. GIT ranges name commits, not versions, and are skipped.
import type { Ordering } from '../versions/index.js';
import type { OsvAffected, OsvEvent, OsvRange } from '../vulndb/types.js';

export type Compare = (a: string, b: string) => Ordering;

/** The comparators a range type calls for: ECOSYSTEM ranges use the ecosystem's order, SEMVER ranges SemVer 2.0. */
export interface RangeComparators {
  ecosystem: Compare;
  semver: Compare;
}

export interface AffectedVerdict {
  affected: boolean;
  /** The lowest `fixed` event above the version, in a range that affects it. */
  fixed?: string;
  /** A `fixed` or `last_affected` event with an empty version was read as no fix (real GitHub data has them). */
  emptyEvent?: true;
}

type Bound = { kind: 'introduced' | 'fixed' | 'last_affected'; version: string };

function bound(event: OsvEvent): Bound | undefined {
  if (event.introduced !== undefined) return { kind: 'introduced', version: event.introduced };
  if (event.fixed) return { kind: 'fixed', version: event.fixed };
  if (event.last_affected) return { kind: 'last_affected', version: event.last_affected };
  return undefined;
}

/** `{"fixed": ""}`: GitHub wrote this where no fix exists; it closes nothing. */
const isEmptyEvent = (event: OsvEvent): boolean => event.fixed === '' || event.last_affected === '';

/** `0` sorts before every version; the comparator throws VersionError for a version the ecosystem rejects. */
function compareBounds(compare: Compare, a: string, b: string): number {
  if (a === '0' || b === '0') return a === b ? 0 : a === '0' ? -1 : 1;
  return compare(a, b);
}

/** Evaluates one range; throws VersionError when an event's version is invalid for the ecosystem. */
export function evaluateRange(range: OsvRange, version: string, compare: Compare): AffectedVerdict {
  const limits = range.events.flatMap((e) => (e.limit !== undefined ? [e.limit] : []));
  if (limits.length > 0 && !limits.some((limit) => limit === '*' || compare(version, limit) < 0)) return { affected: false };
  const bounds = range.events.flatMap((e) => bound(e) ?? []).sort((a, b) => compareBounds(compare, a.version, b.version));
  let affected = false;
  for (const b of bounds) {
    if (b.kind === 'introduced') {
      if (b.version === '0' || compare(version, b.version) >= 0) affected = true;
    } else if (b.kind === 'fixed') {
      if (compare(version, b.version) >= 0) affected = false;
    } else if (compare(version, b.version) > 0) {
      affected = false;
    }
  }
  if (!affected) return { affected };
  const fixed = bounds.find((b) => b.kind === 'fixed' && compare(version, b.version) < 0)?.version;
  const empty = range.events.some(isEmptyEvent) ? { emptyEvent: true as const } : {};
  return fixed === undefined ? { affected, ...empty } : { affected, fixed, ...empty };
}

/**
 * Evaluates one `affected[]` entry: listed versions (exact strings, as the schema says), then
 * every ECOSYSTEM and SEMVER range. The lowest fixed version among the ranges that affect the
 * version is the one on its own line.
 */
export function evaluateAffected(entry: OsvAffected, version: string, comparators: RangeComparators): AffectedVerdict {
  let affected = entry.versions?.includes(version) ?? false;
  let fixed: string | undefined;
  let emptyEvent = false;
  for (const range of entry.ranges ?? []) {
    const compare = range.type === 'SEMVER' ? comparators.semver : range.type === 'ECOSYSTEM' ? comparators.ecosystem : undefined;
    if (!compare) continue;
    const verdict = evaluateRange(range, version, compare);
    if (!verdict.affected) continue;
    affected = true;
    emptyEvent ||= verdict.emptyEvent === true;
    if (verdict.fixed !== undefined && (fixed === undefined || compare(verdict.fixed, fixed) < 0)) fixed = verdict.fixed;
  }
  return { affected, ...(fixed === undefined ? {} : { fixed }), ...(emptyEvent ? { emptyEvent: true as const } : {}) };
}
