// What the mirror holds, counted by python3 straight from its files (zipfile, json, the list
// text), independently of Plimsoll's readers: the reference the database is checked against.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SHARED } from '../helpers/testbed.js';

export const MIRROR = join(SHARED, 'vulndata');

const SCRIPT = String.raw`
import glob, json, os, re, sys, zipfile
root = sys.argv[1]
lookups = json.loads(sys.argv[2])
counts, ids = {}, {}
def norm(eco, name):
    return re.sub(r'[-_.]+', '-', name.lower()) if eco == 'PyPI' else name
for path in sorted(glob.glob(os.path.join(root, 'osv', '*', 'all.zip'))):
    eco = os.path.basename(os.path.dirname(path))
    n = 0
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            record = json.loads(z.read(info))
            if record.get('withdrawn'):
                continue
            n += 1
            for a in record.get('affected', []):
                p = a.get('package') or {}
                key = '%s|%s' % (p.get('ecosystem'), norm(p.get('ecosystem'), p.get('name', '')))
                if key in lookups:
                    ids.setdefault(key, set()).add(record['id'])
    counts['osv/' + eco] = n
for path in sorted(glob.glob(os.path.join(root, 'alpine-secdb', '*', '*.json'))):
    release = os.path.basename(os.path.dirname(path))
    repo = os.path.basename(path)[:-5]
    data = json.load(open(path))
    counts['alpine-secdb/%s/%s' % (release, repo)] = sum(
        len(cves or []) for p in (data['packages'] or []) for cves in (p['pkg'].get('secfixes') or {}).values())
for name in ('DSA', 'DLA'):
    with open(os.path.join(root, 'debian-security-tracker', 'data', name, 'list')) as f:
        counts['debian/' + name] = sum(1 for line in f if line.startswith('['))
counts['nvd'] = len(glob.glob(os.path.join(root, 'nvd', 'CVE-*', 'CVE-*.json')))
counts['kev'] = len(json.load(open(os.path.join(root, 'kev', 'known_exploited_vulnerabilities.json')))['vulnerabilities'])
print(json.dumps({'counts': counts, 'ids': {k: sorted(v) for k, v in ids.items()}}))
`;

export interface MirrorTruth {
  /** Records per feed: OSV entries less withdrawn, Alpine CVE entries per file, DSA/DLA advisories, NVD files, KEV entries. */
  counts: Record<string, number>;
  /** For each requested `ecosystem|name`: the ids of the OSV records that affect it. */
  ids: Record<string, string[]>;
}

export function mirrorTruth(root: string, lookups: string[] = []): MirrorTruth {
  return JSON.parse(execFileSync('python3', ['-c', SCRIPT, root, JSON.stringify(lookups)], { encoding: 'utf8' })) as MirrorTruth;
}
