import type { DockerfileRule, RuleHit } from '../rule.js';

const PORT_SPEC = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/;
const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** Why a port spec is invalid, or null when it is fine. */
function problem(spec: string): string | null {
  const m = PORT_SPEC.exec(spec);
  if (!m) return `'${spec}' is not PORT[-PORT][/PROTOCOL]`;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  if (low < 1 || high > 65535) return `'${spec}' is outside 1-65535`;
  if (high < low) return `'${spec}' is a reversed range`;
  if (m[3] !== undefined && !PROTOCOLS.has(m[3].toLowerCase())) return `'${spec}' has an unknown protocol (tcp, udp or sctp)`;
  return null;
}

export const exposeValid: DockerfileRule = {
  id: 'PLD027',
  title: 'Invalid EXPOSE port',
  severity: 'MEDIUM',
  rationale:
    'EXPOSE takes ports 1–65535, optionally a range and `/tcp`, `/udp` or `/sctp`. Anything else fails the build or, worse, is recorded as ' +
    'metadata nobody can use; a host mapping such as `8080:80` belongs to `docker run -p`, not to the image.',
  fix: 'Write `EXPOSE 8080`, `EXPOSE 8000-8010/tcp` or `EXPOSE 53/udp`.',
  check({ dockerfile }) {
    const hits: RuleHit[] = [];
    for (const i of dockerfile.instructions.filter((x) => x.keyword === 'EXPOSE')) {
      for (const spec of i.words.filter((w) => !w.includes('$'))) {
        const why = problem(spec);
        if (why) hits.push({ line: i.line, detail: why });
      }
    }
    return hits;
  },
};
