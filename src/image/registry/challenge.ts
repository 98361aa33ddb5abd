/** One challenge of a `WWW-Authenticate` header (RFC 7235): `Bearer realm="...",service="..."`. */
export interface Challenge {
  /** Lower-cased: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names lower-cased, values unquoted. */
  params: Record<string, string>;
}

// A token, optionally `= value` where value is a quoted string or a bare token.
const ITEM = /\s*,?\s*([^\s=,]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*))?/y;

/** Parses every challenge of one or more WWW-Authenticate headers. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const headers = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const challenges: Challenge[] = [];
  for (const text of headers) {
    let current: Challenge | undefined;
    ITEM.lastIndex = 0;
    for (let m = ITEM.exec(text); m !== null && m[0] !== ''; m = ITEM.exec(text)) {
      const [, name = '', raw] = m;
      if (raw === undefined) {
        current = { scheme: name.toLowerCase(), params: {} };
        challenges.push(current);
      } else if (current) {
        current.params[name.toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
      }
    }
  }
  return challenges;
}

/** The challenge Plimsoll answers: Bearer when offered (registries prefer it), else Basic. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
