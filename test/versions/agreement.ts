// Generated pairs, asked of our comparator and of the ecosystem's reference:
// shared by the CI test and scripts/fuzz-versions.ts.
import { versions, type Ordering, type SchemeName } from '../../src/versions/index.js';
import { generatePairs } from './generators.js';
import { dpkgOracle, mavenOracle, npmOracle, pep440Oracle, rpmOracle, rubygemsOracle, type Answer, type Oracle } from './oracles.js';

export interface Plan {
  oracle: Oracle;
  /** Only versions the reference can be asked about (see each plan's comment). */
  keep?: (version: string) => boolean;
  /** What to ask the reference for a version; null when the scheme rejects it by a rule the reference does not have. */
  translate?: (version: string) => string | null;
  /** Pairs the CI test asks about, when more than the usual 10,000. */
  ciPairs?: number;
}

// Most generated SemVer pairs hold an invalid version; asking npm's semver is
// cheap (in process), so CI asks four times as many to order ~10,000 valid pairs.
const SEMVER_CI_PAIRS = 40_000;

// npm's semver caps numbers at 2^53 and versions at 256 characters, limits
// that SemVer, Go and Cargo do not have: keep pairs within them for those schemes.
const withinNpmLimits = (v: string): boolean => v.length <= 256 && !/[0-9]{16}/.test(v);
// SemVer, Cargo: exactly the grammar, without the 'v' and the white space npm forgives.
const bareSemVer = (v: string): string | null => (v.trim() !== v || /^[vV=]/.test(v) ? null : v);
const hasNul = (v: string): boolean => v.includes('\u0000');

export const PLANS: Partial<Record<SchemeName, Plan>> = {
  // NUL cannot be passed as an argument; dpkg reads "" as "no version" rather than parsing it.
  dpkg: { oracle: dpkgOracle, keep: (v) => !hasNul(v) && v !== '' && v !== '<unknown>' },
  rpm: { oracle: rpmOracle, keep: (v) => !hasNul(v) },
  pep440: { oracle: pep440Oracle },
  maven: { oracle: mavenOracle },
  rubygems: { oracle: rubygemsOracle },
  npm: { oracle: npmOracle, ciPairs: SEMVER_CI_PAIRS },
  semver: { oracle: npmOracle, keep: withinNpmLimits, translate: bareSemVer, ciPairs: SEMVER_CI_PAIRS },
  cargo: { oracle: npmOracle, keep: withinNpmLimits, translate: bareSemVer, ciPairs: SEMVER_CI_PAIRS },
  // golang.org/x/mod/semver is not installable offline: ask npm's semver about
  // the version without its required 'v', shorthands expanded as x/mod documents
  // ("v1" is "v1.0.0", "v1.2" is "v1.2.0").
  golang: {
    oracle: npmOracle,
    keep: withinNpmLimits,
    ciPairs: SEMVER_CI_PAIRS,
    translate: (v) => {
      if (!v.startsWith('v')) return null;
      const body = v.slice(1);
      if (bareSemVer(body) === null) return null;
      if (/^[0-9]+$/.test(body)) return `${body}.0.0`;
      if (/^[0-9]+\.[0-9]+$/.test(body)) return `${body}.0`;
      return body;
    },
  },
};

export interface Mismatch {
  a: string;
  b: string;
  ours: Answer;
  reference: Answer;
}

export interface Outcome {
  pairs: number;
  /** Pairs the reference rejected (and so did we). */
  invalid: number;
  mismatches: Mismatch[];
}

function ours(scheme: SchemeName, a: string, b: string): Answer {
  try {
    return versions[scheme].compare(a, b);
  } catch (err) {
    if (err instanceof Error && err.name === 'VersionError') return 'invalid';
    throw err;
  }
}

export async function checkAgreement(scheme: SchemeName, seed: number, count: number, plan = PLANS[scheme]): Promise<Outcome> {
  if (plan === undefined) throw new Error(`no reference for ${scheme}`);
  const pairs = generatePairs(scheme, seed, count, { keep: plan.keep });
  const asked: [string, string][] = [];
  const forced: (Answer | null)[] = pairs.map(([a, b]) => {
    const ta = plan.translate ? plan.translate(a) : a;
    const tb = plan.translate ? plan.translate(b) : b;
    if (ta === null || tb === null) return 'invalid';
    asked.push([ta, tb]);
    return null;
  });
  const answers = await plan.oracle.ask(asked);
  let next = 0;
  const outcome: Outcome = { pairs: pairs.length, invalid: 0, mismatches: [] };
  const rejected = new Set<string>();
  pairs.forEach(([a, b], i) => {
    const reference = forced[i] ?? (answers[next++] as Answer);
    const mine = ours(scheme, a, b);
    if (reference === 'invalid') {
      outcome.invalid++;
      rejected.add(a).add(b);
    }
    if (mine !== reference) outcome.mismatches.push({ a, b, ours: mine, reference });
  });
  // A rejected pair says only that one side is invalid: ask about each side alone
  // (a version compared with itself), so that a wrong rejection cannot hide behind the other side.
  const singles = [...rejected].filter((v) => {
    const t = plan.translate ? plan.translate(v) : v;
    return t !== null;
  });
  const alone = await plan.oracle.ask(
    singles.map((v) => {
      const t = (plan.translate ? plan.translate(v) : v) ?? v;
      return [t, t] as const;
    }),
  );
  singles.forEach((v, i) => {
    const reference = alone[i] as Answer;
    const mine = ours(scheme, v, v);
    if (mine !== reference) outcome.mismatches.push({ a: v, b: v, ours: mine, reference });
  });
  return outcome;
}

export function describe(m: Mismatch): string {
  const show = (x: Answer): string => (x === 'invalid' ? 'invalid' : (['<', '=', '>'][x + 1] as string));
  return `${JSON.stringify(m.a)} vs ${JSON.stringify(m.b)}: ours ${show(m.ours)}, reference ${show(m.reference)}`;
}

export type { Ordering };
