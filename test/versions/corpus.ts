// Real version strings per scheme, from the shared vulnerability mirror and the
// testbed's truth files: the generators mix them into the pairs they produce.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemeName } from '../../src/versions/index.js';

const VULNDATA = '/work/shared/vulndata';
const TRUTH = '/var/cache/plimsoll-testbed/truth';
const RPMDB_TRUTH = '/work/shared/testbed/rpmdb/truth';

/** Reads a TSV with a header line; returns the values of the named columns. */
function tsvColumns(path: string, columns: string[]): string[] {
  if (!existsSync(path)) return [];
  const [header = '', ...rows] = readFileSync(path, 'utf8').split('\n');
  const names = header.split('\t');
  const indexes = columns.map((c) => names.indexOf(c)).filter((i) => i >= 0);
  return rows.flatMap((row) => {
    const cells = row.split('\t');
    return indexes.map((i) => cells[i] ?? '');
  });
}

function truthFiles(name: string): string[] {
  if (!existsSync(TRUTH)) return [];
  return readdirSync(TRUTH)
    .map((image) => join(TRUTH, image, name))
    .filter((p) => existsSync(p));
}

/** Versions named in an OSV all.zip: range events and explicit version lists. */
function osvVersions(ecosystem: string): string[] {
  const zip = join(VULNDATA, 'osv', ecosystem, 'all.zip');
  if (!existsSync(zip)) return [];
  const res = spawnSync('unzip', ['-p', zip], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`cannot read ${zip} with unzip (apt-get install unzip): ${res.error?.message ?? res.stderr}`);
  const text = res.stdout;
  const found: string[] = [];
  for (const m of text.matchAll(/"(?:introduced|fixed|last_affected|limit)"\s*:\s*("(?:[^"\\]|\\.)*")/g)) {
    found.push(JSON.parse(m[1] ?? '""') as string);
  }
  for (const m of text.matchAll(/"versions"\s*:\s*\[([^\]]*)\]/g)) {
    for (const s of (m[1] ?? '').matchAll(/"(?:[^"\\]|\\.)*"/g)) found.push(JSON.parse(s[0]) as string);
  }
  return found;
}

function debianTrackerVersions(): string[] {
  const found: string[] = [];
  for (const list of ['DSA', 'DLA']) {
    const path = join(VULNDATA, 'debian-security-tracker/data', list, 'list');
    if (!existsSync(path)) continue;
    for (const m of readFileSync(path, 'utf8').matchAll(/^\t\[[a-z]+\] - \S+ (\S+)/gm)) found.push(m[1] ?? '');
  }
  return found;
}

function alpineSecdbVersions(): string[] {
  const dir = join(VULNDATA, 'alpine-secdb');
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const release of readdirSync(dir)) {
    for (const file of readdirSync(join(dir, release))) {
      const db = JSON.parse(readFileSync(join(dir, release, file), 'utf8')) as { packages?: { pkg?: { secfixes?: Record<string, unknown> } }[] };
      for (const p of db.packages ?? []) found.push(...Object.keys(p.pkg?.secfixes ?? {}));
    }
  }
  return found;
}

function rpmTruthVersions(): string[] {
  const files = existsSync(RPMDB_TRUTH) ? readdirSync(RPMDB_TRUTH).map((f) => join(RPMDB_TRUTH, f)) : [];
  return [...files, ...truthFiles('rpm.tsv')].flatMap((path) => {
    const [epochs, versions, releases] = [['epoch'], ['version'], ['release']].map((c) => tsvColumns(path, c));
    return (versions ?? []).map((v, i) => {
      const epoch = epochs?.[i] ?? '';
      const release = releases?.[i] ?? '';
      return `${epoch && epoch !== '(none)' ? `${epoch}:` : ''}${v}${release ? `-${release}` : ''}`;
    });
  });
}

const SOURCES: Record<SchemeName, () => string[]> = {
  dpkg: () => [
    ...truthFiles('dpkg.tsv').flatMap((p) => tsvColumns(p, ['version', 'source_version'])),
    ...debianTrackerVersions(),
    ...osvVersions('Debian'),
    ...osvVersions('Ubuntu'),
  ],
  rpm: rpmTruthVersions,
  apk: () => [...truthFiles('apk.tsv').flatMap((p) => tsvColumns(p, ['version'])), ...alpineSecdbVersions(), ...osvVersions('Alpine')],
  semver: () => [...osvVersions('npm'), ...osvVersions('crates.io')],
  npm: () => [...osvVersions('npm'), ...truthFiles('npm.tsv').flatMap((p) => tsvColumns(p, ['version']))],
  golang: () => [
    ...osvVersions('Go').map((v) => `v${v}`),
    ...truthFiles('go-deps.tsv').flatMap((p) => tsvColumns(p, ['version'])),
    ...truthFiles('go.tsv').flatMap((p) => tsvColumns(p, ['main_version'])),
  ],
  cargo: () => osvVersions('crates.io'),
  pep440: () => [...osvVersions('PyPI'), ...truthFiles('python.tsv').flatMap((p) => tsvColumns(p, ['version']))],
  maven: () => [...osvVersions('Maven'), ...truthFiles('java.tsv').flatMap((p) => tsvColumns(p, ['version']))],
  rubygems: () => osvVersions('RubyGems'),
  nuget: () => [],
  composer: () => osvVersions('Packagist'),
};

const memo = new Map<SchemeName, string[]>();

/** Distinct real versions for a scheme, sorted so that a seed replays the same pairs. */
export function realVersions(scheme: SchemeName): string[] {
  let list = memo.get(scheme);
  if (list === undefined) {
    list = [...new Set(SOURCES[scheme]().filter((v) => v !== '' && v !== '-' && v !== '0'))].sort();
    memo.set(scheme, list);
  }
  return list;
}
