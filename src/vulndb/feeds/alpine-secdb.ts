// Reads Alpine's secdb (`v3.N/main.json`): per origin package, `secfixes` maps each fixed version
// to the CVEs it fixes. Each CVE entry becomes one OSV record for that release's ecosystem
// (`Alpine:v3.11`). The fixed version `0` is Alpine's verdict that the package was never
// affected; such records carry no range and say so in `database_specific.status`.
import { readFile } from 'node:fs/promises';
import type { OsvAffected, OsvRecord } from '../types.js';
import { isObject } from './osv-record.js';

/** `modified` is the feed's own date (its Last-Modified), as secdb records carry none. */
export async function* readAlpineSecdb(path: string, release: string, repository: string, modified: string): AsyncGenerator<OsvRecord> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!isObject(parsed) || !('packages' in parsed)) throw new Error('not an Alpine secdb file (no "packages")');
  if (parsed.distroversion !== undefined && parsed.distroversion !== release) {
    throw new Error(`is the secdb of ${String(parsed.distroversion)}, not ${release}`);
  }
  const packages = parsed.packages ?? [];
  if (!Array.isArray(packages)) throw new Error('"packages" is not an array');
  const ecosystem = `Alpine:${release}`;

  for (const item of packages) {
    const pkg = isObject(item) ? item.pkg : undefined;
    if (!isObject(pkg) || typeof pkg.name !== 'string') throw new Error('a package entry has no "pkg.name"');
    const secfixes = pkg.secfixes ?? {};
    if (!isObject(secfixes)) throw new Error(`${pkg.name}: "secfixes" is not an object`);
    for (const [version, fixes] of Object.entries(secfixes)) {
      if (fixes !== null && !Array.isArray(fixes)) throw new Error(`${pkg.name} ${version}: fixes are not a list`);
      for (const fix of fixes ?? []) {
        if (typeof fix !== 'string' || fix.trim() === '') throw new Error(`${pkg.name} ${version}: a fix is not a string`);
        yield secfixRecord(ecosystem, repository, pkg.name, version, fix, modified);
      }
    }
  }
}

/** Entries are mostly a CVE id, sometimes followed by other ids or a note: `CVE-2016-9384 XSA-194`. */
function secfixRecord(ecosystem: string, repository: string, name: string, version: string, fix: string, modified: string): OsvRecord {
  const [id = fix, ...rest] = fix.trim().split(/\s+/);
  const aliases = rest.filter((token) => /^[A-Z]+-\d/.test(token));
  const notAffected = version === '0';
  const affected: OsvAffected = {
    package: { ecosystem, name },
    ...(notAffected ? {} : { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version }] }] }),
    database_specific: { status: notAffected ? 'not-affected' : 'fixed', repository, secfix: fix },
  };
  return {
    id,
    modified,
    ...(aliases.length > 0 ? { aliases } : {}),
    affected: [affected],
    database_specific: { source: 'alpine-secdb' },
  };
}
