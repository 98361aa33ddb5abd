// Whether an NVD configuration applies to one component, as NVD's applicability statements are
// built: a configuration combines its nodes with its operator (OR when absent), a node combines its
// cpeMatch entries with its own, and `negate` inverts either.
//
// A cpeMatch entry is true when its criteria name the component's part, vendor and product and
//   - the version field is `*` or `-` and every version bound given (versionStart/End
//     Including/Excluding) holds, or
//   - the version field is the component's version (with the update field, `2.0:beta9`, when one
//     is given), or
//   - the version field is a release line the component's version belongs to (`1.2` for 1.2.17,
//     update `*`): NVD often records "Log4j 1.2" that way. This counts as a doubt, since NVD also
//     writes exact releases like that.
// Entries for other products are false: each component is judged alone. Entries marked
// `vulnerable: false` are the platform the product runs on (an OS, a device): an image cannot show
// that, so they are unknown, and the statement is read in three-valued logic (unknown AND true is
// unknown, unknown OR true is true, NOT unknown is unknown). A configuration applies when it is true,
// or unknown, which is a doubt, and at least one vulnerable entry outside a negated node names the
// component: a statement only about platforms never applies.
import { parseCpe } from '../../vulndb/cpe.js';
import type { CpeConfiguration, CpeMatch, CpeNode } from '../../vulndb/types.js';
import type { Compare } from '../osv-range.js';

/** A component as CPE names it. */
export interface CpeTarget {
  part: string;
  vendor: string;
  product: string;
  version: string;
}

export interface ConfigurationMatch {
  /** The vulnerable entries that name the component and hold. */
  matched: CpeMatch[];
  /** What makes the match less than certain, in words (empty when nothing does). */
  doubts: string[];
}

/** true, false, or undefined: cannot be known from an image. */
type Truth = boolean | undefined;

interface Evaluation {
  truth: Truth;
  matched: CpeMatch[];
  lines: string[];
  platforms: string[];
}

const unescape = (field: string): string => field.replace(/\\(.)/g, '$1');
const ANY = new Set(['*', '-']);

function inBounds(m: CpeMatch, version: string, compare: Compare): boolean {
  if (m.versionStartIncluding !== undefined && compare(version, m.versionStartIncluding) < 0) return false;
  if (m.versionStartExcluding !== undefined && compare(version, m.versionStartExcluding) <= 0) return false;
  if (m.versionEndIncluding !== undefined && compare(version, m.versionEndIncluding) > 0) return false;
  if (m.versionEndExcluding !== undefined && compare(version, m.versionEndExcluding) >= 0) return false;
  return true;
}

/** `1.2` is the line of 1.2.17: at least two numbers, and the version continues it with a dot. */
function isReleaseLine(line: string, version: string): boolean {
  return /^\d+(?:\.\d+)+$/.test(line) && version.startsWith(`${line}.`);
}

function entry(m: CpeMatch, target: CpeTarget, compare: Compare): Evaluation {
  const none: Evaluation = { truth: false, matched: [], lines: [], platforms: [] };
  if (!m.vulnerable) return { ...none, truth: undefined, platforms: [m.criteria] };
  const cpe = parseCpe(m.criteria);
  if (!cpe || cpe.part !== target.part || unescape(cpe.vendor) !== target.vendor || unescape(cpe.product) !== target.product) return none;
  const version = unescape(cpe.version);
  const hit: Evaluation = { truth: true, matched: [m], lines: [], platforms: [] };
  if (ANY.has(version)) return inBounds(m, target.version, compare) ? hit : none;
  if (!ANY.has(cpe.update)) return compare(target.version, `${version}-${unescape(cpe.update)}`) === 0 ? hit : none;
  if (compare(target.version, version) === 0) return hit;
  if (cpe.update === '*' && isReleaseLine(version, target.version)) return { ...hit, lines: [version] };
  return none;
}

function combine(operator: 'AND' | 'OR' | undefined, parts: Evaluation[], negate: boolean | undefined): Evaluation {
  const truths = parts.map((p) => p.truth);
  let truth: Truth;
  if (operator === 'AND') truth = truths.includes(false) ? false : truths.includes(undefined) ? undefined : true;
  else truth = truths.includes(true) ? true : truths.includes(undefined) ? undefined : false;
  // Only what holds (or may hold) supports the result; a negated part says where the CVE does not apply.
  const live = negate ? [] : parts.filter((p) => p.truth !== false);
  return {
    truth: negate && truth !== undefined ? !truth : truth,
    matched: live.flatMap((p) => p.matched),
    lines: live.flatMap((p) => p.lines),
    platforms: parts.flatMap((p) => p.platforms),
  };
}

function node(n: CpeNode, target: CpeTarget, compare: Compare): Evaluation {
  return combine(
    n.operator,
    n.cpeMatch.map((m) => entry(m, target, compare)),
    n.negate,
  );
}

/**
 * The configuration's verdict for the component, or undefined when it does not apply. Throws the
 * comparator's VersionError when a bound or the version cannot be ordered.
 */
export function evaluateConfiguration(config: CpeConfiguration, target: CpeTarget, compare: Compare): ConfigurationMatch | undefined {
  const result = combine(
    config.operator,
    config.nodes.map((n) => node(n, target, compare)),
    config.negate,
  );
  if (result.truth === false || result.matched.length === 0) return undefined;
  const doubts = result.lines.map((line) => `NVD names release line ${line}, not version ${target.version}`);
  if (result.truth === undefined) {
    const platforms = [...new Set(result.platforms)];
    const named = platforms.length > 2 ? `${platforms.slice(0, 2).join(', ')} or ${platforms.length - 2} more` : platforms.join(' or ');
    doubts.push(`applies only with ${named}, which an image does not show`);
  }
  return { matched: result.matched, doubts };
}
