// A submitted CycloneDX SBOM, as Plimsoll writes it (report/cyclonedx.ts), read back into the
// inventory the matcher takes: the image (metadata.component: ref as name, digest as version, its
// layers as properties), the OS component, and each package from its purl and plimsoll:package:*
// properties. Anything malformed is an InputError naming the component.
import { InputError } from '../errors.js';
import { ECOSYSTEMS } from '../ecosystems/registry.js';
import type { Package, PackageLocation, PackageType } from '../model/package.js';
import type { ImageFacts, ImageInventory } from './store.js';
import type { OsInfo } from '../model/os.js';

/** A debian-app sized image holds a few thousand; this leaves room and bounds the work of one request. */
export const MAX_COMPONENTS = 50_000;

/** The package types a purl names by itself: those whose purl type is their own (not `pkg:generic`). */
const PURL_TYPES = new Map<string, PackageType>(ECOSYSTEMS.filter((e) => e.purlType === e.type).map((e) => [e.purlType, e.type]));
/** Every type Plimsoll writes, including those whose purl type is not their own (binary: pkg:generic), which only the property names. */
const PACKAGE_TYPES = new Set<string>(ECOSYSTEMS.map((e) => e.type));
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** Properties that are fields of the package, not entries of its metadata. */
const FIELDS = new Set(['type', 'source:name', 'source:version', 'arch']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(value: unknown, what: string, optional: true): string | undefined;
function str(value: unknown, what: string, optional?: false): string;
function str(value: unknown, what: string, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 4096) throw new InputError(`${what}: expected a non-empty string`);
  return value;
}

function propertyList(value: unknown, what: string): [string, string][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError(`${what}.properties: expected an array`);
  return value.map((p, i) => {
    if (!isObject(p) || typeof p.name !== 'string' || typeof p.value !== 'string')
      throw new InputError(`${what}.properties[${i}]: expected {name, value} strings`);
    return [p.name, p.value];
  });
}

/** `pkg:type/namespace/name@version?qualifiers#subpath` → its type and version (the purl specification's order of parts). */
export function purlParts(purl: string): { type: string; version?: string } | undefined {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/([^?#]+)/.exec(purl);
  if (!m) return undefined;
  const path = m[2] as string;
  const at = path.lastIndexOf('@');
  try {
    return { type: (m[1] as string).toLowerCase(), ...(at > 0 ? { version: decodeURIComponent(path.slice(at + 1)) } : {}) };
  } catch {
    return undefined;
  }
}

/** Metadata values were written with String(): the flags the matcher reads (`unresolved`, `dev`) come back as booleans. */
function metadataValue(text: string): string | boolean {
  return text === 'true' ? true : text === 'false' ? false : text;
}

function readPackage(c: Json, where: string, layers: readonly string[]): Package | undefined {
  const purl = str(c.purl, `${where}.purl`, true);
  if (purl === undefined) return undefined;
  const parts = purlParts(purl);
  if (!parts) throw new InputError(`${where}.purl: not a package URL: "${purl.slice(0, 100)}"`);
  const props = propertyList(c.properties, where);
  const prop = (name: string): string | undefined => props.find(([n]) => n === `plimsoll:package:${name}`)?.[1];
  const type = prop('type') ?? PURL_TYPES.get(parts.type);
  // A purl type Plimsoll has no matcher for (pkg:generic without a Plimsoll type, pkg:oci...) is not a package to match.
  if (type === undefined) return undefined;
  if (!PACKAGE_TYPES.has(type)) throw new InputError(`${where}: unknown package type "${type}"`);
  const version = str(c.version ?? parts.version, `${where}.version`);
  const name = str(c.name, `${where}.name`);
  const occurrences = isObject(c.evidence) && Array.isArray(c.evidence.occurrences) ? c.evidence.occurrences : [];
  const digests = props.filter(([n]) => n === 'plimsoll:layer:digest').map(([, v]) => v);
  const locations: PackageLocation[] = occurrences.map((o, i) => {
    const path = str(isObject(o) ? o.location : undefined, `${where}.evidence.occurrences[${i}].location`);
    const digest = digests[i];
    if (digest !== undefined && !DIGEST.test(digest)) throw new InputError(`${where}: plimsoll:layer:digest "${digest.slice(0, 80)}" is not a sha256 digest`);
    // index -1: a layer the SBOM's list of image layers does not name.
    return { path, layer: { index: digest === undefined ? -1 : layers.indexOf(digest), digest: digest ?? '' } };
  });
  const sourceName = prop('source:name');
  const sourceVersion = prop('source:version');
  const arch = prop('arch');
  const metadata = Object.fromEntries(
    props
      .filter(([n]) => n.startsWith('plimsoll:package:') && !FIELDS.has(n.slice('plimsoll:package:'.length)))
      .map(([n, v]) => [n.slice('plimsoll:package:'.length), metadataValue(v)]),
  );
  const ref = typeof c['bom-ref'] === 'string' ? c['bom-ref'] : `${type}:${name}@${version}:${locations[0]?.path ?? ''}`;
  return {
    id: ref,
    name,
    version,
    type: type as PackageType,
    purl,
    ...(sourceName && sourceVersion ? { source: { name: sourceName, version: sourceVersion } } : {}),
    ...(arch ? { arch } : {}),
    locations,
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

function readOs(c: Json, where: string): OsInfo {
  const props = new Map(propertyList(c.properties, where));
  const eol = props.get('plimsoll:os:eol');
  return {
    family: str(c.name, `${where}.name`),
    version: str(c.version, `${where}.version`),
    ...(typeof c.description === 'string' ? { name: c.description } : {}),
    ...(props.has('plimsoll:os:codename') ? { codename: props.get('plimsoll:os:codename') as string } : {}),
    ...(props.has('plimsoll:os:eolDate') ? { eolDate: props.get('plimsoll:os:eolDate') as string } : {}),
    ...(eol !== undefined ? { eol: eol === 'true' } : {}),
  };
}

/** The image facts `image --server` adds to metadata.component's properties (docs/privacy.md). */
const FACT = {
  created: 'plimsoll:image:created',
  user: 'plimsoll:image:user',
  secretsScanned: 'plimsoll:image:secrets-scanned',
  secrets: 'plimsoll:image:secrets:',
} as const;
const RULE_ID = /^[A-Z0-9][A-Z0-9-]{0,63}$/;
const MAX_COUNT = 1_000_000;

export function factProperties(facts: ImageFacts): { name: string; value: string }[] {
  return [
    ...(facts.created !== undefined ? [{ name: FACT.created, value: facts.created }] : []),
    ...(facts.user !== undefined ? [{ name: FACT.user, value: facts.user }] : []),
    ...(facts.secrets
      ? [
          { name: FACT.secretsScanned, value: 'true' },
          ...Object.entries(facts.secrets).map(([rule, n]) => ({ name: `${FACT.secrets}${rule}`, value: String(n) })),
        ]
      : []),
  ];
}

function readFacts(props: readonly [string, string][]): ImageFacts | undefined {
  const get = (name: string): string | undefined => props.find(([n]) => n === name)?.[1];
  const created = get(FACT.created);
  if (created !== undefined && (created.length > 64 || Number.isNaN(Date.parse(created))))
    throw new InputError(`metadata.component: ${FACT.created} "${created.slice(0, 64)}" is not a date`);
  const user = get(FACT.user);
  if (user !== undefined && user.length > 256) throw new InputError(`metadata.component: ${FACT.user} is longer than 256 characters`);
  let secrets: Record<string, number> | undefined;
  if (get(FACT.secretsScanned) === 'true') {
    secrets = {};
    for (const [name, value] of props.filter(([n]) => n.startsWith(FACT.secrets))) {
      const rule = name.slice(FACT.secrets.length);
      const count = Number(value);
      if (!RULE_ID.test(rule) || !Number.isInteger(count) || count < 0 || count > MAX_COUNT)
        throw new InputError(`metadata.component: ${name.slice(0, 100)} = "${value.slice(0, 20)}" is not a rule id with a count`);
      secrets[rule] = count;
    }
  }
  const facts: ImageFacts = { ...(created !== undefined ? { created } : {}), ...(user !== undefined ? { user } : {}), ...(secrets ? { secrets } : {}) };
  return Object.keys(facts).length > 0 ? facts : undefined;
}

/** The image and inventory a CycloneDX document describes. */
export function readSbom(doc: unknown): ImageInventory {
  if (!isObject(doc) || doc.bomFormat !== 'CycloneDX') throw new InputError('not a CycloneDX document (bomFormat must be "CycloneDX")');
  if (typeof doc.specVersion !== 'string' || !/^1\.[4-6]$/.test(doc.specVersion)) throw new InputError('specVersion: CycloneDX 1.4 to 1.6 is read');
  const image = isObject(doc.metadata) ? doc.metadata.component : undefined;
  if (!isObject(image)) throw new InputError('metadata.component: the image (name: its reference, version: its digest) is required');
  const ref = str(image.name, 'metadata.component.name');
  const digest = str(image.version, 'metadata.component.version', true);
  if (digest !== undefined && !DIGEST.test(digest)) throw new InputError(`metadata.component.version: "${digest.slice(0, 80)}" is not a sha256 digest`);
  const imageProps = propertyList(image.properties, 'metadata.component');
  const layers = imageProps.filter(([n]) => n === 'plimsoll:image:layer').map(([, v]) => v);
  for (const l of layers) if (!DIGEST.test(l)) throw new InputError(`metadata.component: plimsoll:image:layer "${l.slice(0, 80)}" is not a sha256 digest`);
  const platform = imageProps.find(([n]) => n === 'plimsoll:image:platform')?.[1];
  const facts = readFacts(imageProps);
  const components = doc.components ?? [];
  if (!Array.isArray(components)) throw new InputError('components: expected an array');
  if (components.length > MAX_COMPONENTS) throw new InputError(`components: ${components.length} is more than the ${MAX_COMPONENTS} one submission may hold`);
  let os: OsInfo | undefined;
  const packages: Package[] = [];
  for (const [i, c] of components.entries()) {
    const where = `components[${i}]`;
    if (!isObject(c)) throw new InputError(`${where}: expected an object`);
    if (c.type === 'operating-system') {
      if (os) throw new InputError(`${where}: a second operating-system component`);
      os = readOs(c, where);
      continue;
    }
    const pkg = readPackage(c, where, layers);
    if (pkg) packages.push(pkg);
  }
  return { ref, ...(digest ? { digest } : {}), ...(platform ? { platform } : {}), ...(os ? { os } : {}), layers, packages, ...(facts ? { facts } : {}) };
}
