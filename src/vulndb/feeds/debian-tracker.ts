// Reads the Debian security tracker's JSON export (security-tracker.debian.org/tracker/data/json):
//   { "<source package>": { "<CVE or TEMP id>": { "description", "scope", "debianbug",
//       "releases": { "<codename>": { "status": "resolved|open|undetermined", "fixed_version",
//         "urgency", "nodsa", "nodsa_reason", "repositories": { ... } } } } } }
// The only Debian feed that says which CVEs are still open and which Debian judged unimportant.
// Each (package, CVE) becomes one OSV record; release facts go in `ecosystem_specific`.
// The file is read one package at a time (it is tens of megabytes).
import type { OsvAffected, OsvRecord } from '../types.js';
import { debianEcosystem } from './debian-releases.js';
import { jsonObjectMembers } from './json-members.js';
import { isObject } from './osv-record.js';

/** `modified` is the export's own date (its Last-Modified): the records carry none. */
export async function* readDebianTracker(path: string, modified: string): AsyncGenerator<OsvRecord> {
  for await (const [name, issues] of jsonObjectMembers(path)) {
    if (!isObject(issues)) throw new Error(`${name}: not an object of issues`);
    for (const [id, issue] of Object.entries(issues)) {
      if (!isObject(issue) || !isObject(issue.releases ?? {})) throw new Error(`${name} ${id}: not an issue object with "releases"`);
      const releases = (issue.releases ?? {}) as Record<string, unknown>;
      yield {
        id,
        modified,
        ...(typeof issue.description === 'string' ? { details: issue.description } : {}),
        affected: Object.entries(releases).map(([codename, facts]) => affectedFor(name, id, codename, facts)),
        database_specific: {
          source: 'debian-security-tracker',
          ...(issue.scope !== undefined ? { scope: issue.scope } : {}),
          ...(issue.debianbug !== undefined ? { debianbug: issue.debianbug } : {}),
        },
      };
    }
  }
}

function affectedFor(name: string, id: string, codename: string, facts: unknown): OsvAffected {
  if (!isObject(facts) || typeof facts.status !== 'string') throw new Error(`${name} ${id} ${codename}: release entry has no "status"`);
  const fixed = typeof facts.fixed_version === 'string' ? facts.fixed_version : undefined;
  const ecosystemSpecific: Record<string, unknown> = { status: facts.status };
  for (const key of ['urgency', 'nodsa', 'nodsa_reason', 'fixed_version'] as const) {
    if (facts[key] !== undefined) ecosystemSpecific[key] = facts[key];
  }
  const pkg = { ecosystem: debianEcosystem(codename), name };
  // A resolved issue with fixed version 0 never affected this release's package.
  if (facts.status === 'resolved' && fixed === '0') return { package: pkg, ecosystem_specific: ecosystemSpecific };
  const events = facts.status === 'resolved' && fixed ? [{ introduced: '0' }, { fixed }] : [{ introduced: '0' }];
  return { package: pkg, ranges: [{ type: 'ECOSYSTEM', events }], ecosystem_specific: ecosystemSpecific };
}
