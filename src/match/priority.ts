// Which findings to act on first. Severity says how bad a vulnerability would be; KEV says it is
// being exploited now; EPSS estimates how likely exploitation is within 30 days. The rule:
//   P1  listed in CISA's KEV catalog (known exploited), whatever its severity;
//   P2  EPSS >= 0.1, or severity CRITICAL;
//   P3  EPSS >= 0.01, or severity HIGH;
//   P4  the rest.
// A finding the distribution decided not to fix (`wont-fix`: judged minor for that release) drops
// one level, KEV excepted. Within a level, findings with a fix come first (they can be acted on
// now), then higher EPSS, then higher score.
import { severityRank } from '../model/severity.js';
import { compareStrings } from '../versions/scheme.js';
import type { Priority, Vulnerability } from './types.js';

export const EPSS_HIGH = 0.1;
export const EPSS_NOTABLE = 0.01;

/** Most urgent first. */
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

type Inputs = Pick<Vulnerability, 'severity' | 'status' | 'kev' | 'epss'>;

const percent = (x: number): string => `${(x * 100).toFixed(x < 0.001 ? 3 : x < 0.1 ? 2 : 1)}%`;

export function assignPriority(v: Inputs): { priority: Priority; priorityReason: string } {
  if (v.kev)
    return {
      priority: 'P1',
      priorityReason: `known exploited: in CISA KEV since ${v.kev.dateAdded}${v.kev.knownRansomwareCampaignUse === 'Known' ? ', used in ransomware campaigns' : ''}`,
    };
  const epss = v.epss?.score;
  const why: string[] = [];
  let level: number;
  if ((epss ?? 0) >= EPSS_HIGH || v.severity === 'CRITICAL') level = 1;
  else if ((epss ?? 0) >= EPSS_NOTABLE || v.severity === 'HIGH') level = 2;
  else level = 3;
  why.push(`severity ${v.severity}`);
  if (epss !== undefined) why.push(`EPSS ${percent(epss)}`);
  if (v.status === 'wont-fix' && level < 3) {
    level++;
    why.push('lowered: the distribution will not fix it');
  }
  return { priority: PRIORITIES[level] ?? 'P4', priorityReason: why.join(', ') };
}

/** Counts per priority, every priority present. */
export function countByPriority(items: readonly { priority: Priority }[]): Record<Priority, number> {
  const counts = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  for (const item of items) counts[item.priority]++;
  return counts;
}

export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

/** Most urgent first: priority, then fixable, then EPSS, then score, then severity, then id. */
export function byPriority(a: Vulnerability, b: Vulnerability): number {
  const fixable = (v: Vulnerability): number => (v.fixedVersion !== undefined ? 0 : 1);
  return (
    priorityRank(a.priority) - priorityRank(b.priority) ||
    fixable(a) - fixable(b) ||
    (b.epss?.score ?? -1) - (a.epss?.score ?? -1) ||
    (b.score ?? -1) - (a.score ?? -1) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    compareStrings(a.id, b.id)
  );
}
