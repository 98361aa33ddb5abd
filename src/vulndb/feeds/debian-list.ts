// Reads the security tracker's advisory lists (`data/DSA/list`, `data/DLA/list`), the files
// osv.dev builds its Debian DSA/DLA records from. Each advisory is one block:
//   [29 Mar 2023] DSA-5380-1 xorg-server - security update
//   	{CVE-2023-1393}
//   	[bullseye] - xorg-server 2:1.20.11-1+deb11u6
//   	NOTE: ...
// A release line's version may be a tag instead: <not-affected>, <unfixed>, <end-of-life>.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { OsvAffected, OsvRecord } from '../types.js';
import { debianEcosystem } from './debian-releases.js';

const HEADER = /^\[(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\] (\S+)\s+(.*)$/;
const RELEASE_LINE = /^\s+\[([a-z-]+)\] - (\S+)(?:\s+(\S+))?/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export async function* readDebianList(path: string): AsyncGenerator<OsvRecord> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let current: OsvRecord | undefined;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      if (current) yield current;
      current = header(line, lineNo);
      continue;
    }
    if (!current) throw new Error(`line ${lineNo}: indented line before the first advisory`);
    const trimmed = line.trim();
    if (trimmed.startsWith('{')) {
      const ids = trimmed
        .replace(/^\{|\}$/g, '')
        .split(/\s+/)
        .filter(Boolean);
      current.aliases = [...(current.aliases ?? []), ...ids];
      continue;
    }
    const release = RELEASE_LINE.exec(line);
    if (release) (current.affected ??= []).push(affectedFor(release[1] ?? '', release[2] ?? '', release[3]));
    // NOTE lines and the continuations of wrapped notes carry nothing the matcher uses.
  }
  if (current) yield current;
}

function header(line: string, lineNo: number): OsvRecord {
  const match = HEADER.exec(line);
  if (!match) throw new Error(`line ${lineNo}: not an advisory header: ${line.slice(0, 80)}`);
  const [, day = '', month = '', year = '', id = '', rest = ''] = match;
  const monthIndex = MONTHS.indexOf(month);
  if (monthIndex < 0) throw new Error(`line ${lineNo}: unknown month ${month}`);
  const date = `${year}-${String(monthIndex + 1).padStart(2, '0')}-${day.padStart(2, '0')}T00:00:00Z`;
  // "pkg - description"; a few old entries have no package before the dash.
  const dash = rest.indexOf(' - ');
  const summary = (dash >= 0 ? rest.slice(dash + 3) : rest).trim();
  const source = dash >= 0 ? rest.slice(0, dash).trim() : '';
  return {
    id,
    modified: date,
    published: date,
    ...(summary ? { summary } : {}),
    affected: [],
    database_specific: { source: 'debian-security-tracker', ...(source ? { package: source } : {}) },
  };
}

function affectedFor(codename: string, name: string, version: string | undefined): OsvAffected {
  const pkg = { ecosystem: debianEcosystem(codename), name };
  const tag = version?.startsWith('<') ? version.replace(/^<|>$/g, '') : undefined;
  if (tag === 'not-affected') return { package: pkg, ecosystem_specific: { status: 'not-affected' } };
  if (tag || !version)
    return { package: pkg, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: { status: tag ?? 'unfixed' } };
  return { package: pkg, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version }] }], ecosystem_specific: { status: 'fixed' } };
}
