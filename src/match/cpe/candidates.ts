// The CPEs a package may be known by in NVD, from its name, version and what it says about its
// maker. No alias table: NVD's own index (which vendors name a product) decides which vendors are
// worth trying, and the package's vendor hint only picks among them.
//   - Product: the name lower-cased, with `-` and `_` swapped both ways (NVD writes commons_text,
//     jackson-databind), and the same with a trailing version-like part dropped (log4j-1.2 → log4j).
//   - Vendor: NVD's vendors for that product that the hint names (`org.apache.log4j` names apache);
//     with no hint, or none NVD knows, every vendor NVD has for the product, which is a doubt.
// Doubts make the confidence: a dropped suffix that is not the version's own release line, a
// vendor not stated, a version read from a file name.
// The hook for analyzers that know the CPE: `metadata.cpe`, space-separated `vendor:product` pairs
// (a binary fingerprint's classifier states them), replaces the guesses; those candidates carry no
// doubt, since vendor, product and version are all stated.
import type { Package } from '../../model/package.js';
import type { CpeTarget } from './configuration.js';

export interface CpeCandidate extends CpeTarget {
  /** What about this identification is guessed, in words (empty when vendor, product and version are all stated). */
  doubts: string[];
}

/** The part of the database candidates are chosen with. */
export interface CpeVendors {
  vendorsOf(product: string): string[];
}

const VERSION_SUFFIX = /^(.*[a-z].*?)[-_.]v?(\d+(?:\.\d+)*)$/;

function products(name: string, version: string): { product: string; doubt?: string }[] {
  const base = name.toLowerCase();
  const out = [base, base.replace(/-/g, '_'), base.replace(/_/g, '-')].map((product) => ({ product }));
  const m = VERSION_SUFFIX.exec(base);
  if (m?.[1] && m[2]) {
    const line = m[2];
    const own = version === line || version.startsWith(`${line}.`);
    const doubt = own ? undefined : `product ${m[1]} guessed from the name ${name} without its ${line}`;
    for (const product of [m[1], m[1].replace(/-/g, '_'), m[1].replace(/_/g, '-')]) out.push({ product, ...(doubt ? { doubt } : {}) });
  }
  return out.filter((p, i) => out.findIndex((q) => q.product === p.product) === i);
}

/** Words of the vendor hint: `org.apache.log4j "Apache Software Foundation"` → org, apache, log4j, software, foundation. */
function hintWords(pkg: Package): Set<string> {
  return new Set(
    String(pkg.metadata?.vendorHint ?? '')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean),
  );
}

/** The pairs `metadata.cpe` states, if any. */
function statedCpes(pkg: Package): { vendor: string; product: string }[] {
  return String(pkg.metadata?.cpe ?? '')
    .split(' ')
    .map((pair) => pair.split(':'))
    .filter((parts): parts is [string, string] => parts.length === 2 && parts.every(Boolean))
    .map(([vendor, product]) => ({ vendor, product }));
}

/** Every vendor:product pair NVD knows that the package may be, each with its doubts. */
export function cpeCandidates(pkg: Package, index: CpeVendors): CpeCandidate[] {
  const stated = statedCpes(pkg);
  if (stated.length > 0) return stated.map(({ vendor, product }) => ({ part: 'a', vendor, product, version: pkg.version, doubts: [] }));
  const words = hintWords(pkg);
  const versionDoubt = pkg.metadata?.identifiedBy === 'filename' ? [`version ${pkg.version} read from the file name`] : [];
  const out: CpeCandidate[] = [];
  for (const { product, doubt } of products(pkg.name, pkg.version)) {
    const vendors = index.vendorsOf(product);
    const named = vendors.filter((v) => words.has(v));
    const vendorDoubt = named.length > 0 ? [] : [`vendor not stated by the package (NVD names ${product} under ${vendors.join(', ')})`];
    for (const vendor of named.length > 0 ? named : vendors) {
      out.push({ part: 'a', vendor, product, version: pkg.version, doubts: [...(doubt ? [doubt] : []), ...vendorDoubt, ...versionDoubt] });
    }
  }
  return out;
}
