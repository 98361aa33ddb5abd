// yarn.lock: yarn 1's own format, and Berry's (yarn 2+) YAML with a `__metadata` entry.
import { yaml } from '../../lazy-require.js';
import { errorMessage } from '../../errors.js';
import type { ScanWarning } from '../../model/warning.js';
import { isObject, str } from '../common/parse.js';
import { dependencyEntries, devOnlyKeys, PROD_FIELDS } from './dev-only.js';
import type { AppManifest, LockedPackage } from './types.js';

interface YarnEntry {
  /** The descriptors (`name@range`) the entry resolves. */
  specs: string[];
  name: string;
  version: string;
  /** Descriptors of its dependencies, spelled as lock keys are. */
  deps: string[];
}

/** `name@range` → name (scoped names start with `@`). */
function specName(spec: string): string {
  const at = spec.indexOf('@', 1);
  return at < 0 ? spec : spec.slice(0, at);
}

/** The package a yarn 1 descriptor installs: an alias `alias@npm:real@range` installs `real`. */
function realName(spec: string): string {
  const name = specName(spec);
  const range = spec.slice(name.length + 1);
  return range.startsWith('npm:') ? specName(range.slice(4)) : name;
}

function unquote(value: string): string {
  const v = value.trim();
  return v.startsWith('"') && v.endsWith('"') ? (JSON.parse(v) as string) : v;
}

/** yarn 1: unindented `spec, spec:` headers, two-space `key value` fields, four-space dependency lines. */
function parseClassic(text: string, path: string, warnings: ScanWarning[]): YarnEntry[] {
  const entries: YarnEntry[] = [];
  let current: YarnEntry | undefined;
  let inDeps = false;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const indent = line.length - line.trimStart().length;
    try {
      if (indent === 0) {
        if (!line.endsWith(':')) throw new Error('entry header does not end with ":"');
        const specs = line.slice(0, -1).split(', ').map(unquote);
        current = { specs, name: realName(specs[0] ?? ''), version: '', deps: [] };
        entries.push(current);
        inDeps = false;
        return;
      }
      if (!current) throw new Error('field outside an entry');
      const body = line.trim();
      if (indent === 2) {
        inDeps = body === 'dependencies:' || body === 'optionalDependencies:';
        const m = /^(\S+)\s+(.+)$/.exec(body);
        if (m?.[1] === 'version') current.version = unquote(m[2] ?? '');
      } else if (inDeps) {
        const m = /^("[^"]+"|\S+)\s+(.+)$/.exec(body);
        if (m) current.deps.push(`${unquote(m[1] ?? '')}@${unquote(m[2] ?? '')}`);
      }
    } catch (err) {
      throw new Error(`line ${i + 1}: ${errorMessage(err)}`, { cause: err });
    }
  });
  return entries.filter((e) => {
    if (e.version !== '') return true;
    warnings.push({ path, message: `entry ${e.specs[0] ?? ''} has no version; skipped` });
    return false;
  });
}

/** Berry: YAML keyed by comma-joined descriptors; workspaces and links (`linkType: soft`) are the app's own code. */
function parseBerry(doc: Record<string, unknown>): YarnEntry[] {
  const entries: YarnEntry[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata' || !isObject(value)) continue;
    const resolution = str(value.resolution) ?? '';
    const version = value.version === undefined ? '' : String(value.version);
    const specs = key.split(',').map((s) => s.trim());
    const deps = isObject(value.dependencies) ? Object.entries(value.dependencies).map(([n, range]) => `${n}@${String(range)}`) : [];
    if (value.linkType === 'soft' || version === '') continue;
    entries.push({ specs, name: specName(resolution || (specs[0] ?? '')), version, deps });
  }
  return entries;
}

/** Root descriptors from the app manifest; Berry spells registry ranges `npm:range` in its keys. */
function roots(app: AppManifest, fields: readonly string[], berry: boolean): string[] {
  return fields.flatMap((f) => dependencyEntries(app, f)).flatMap(([n, range]) => [`${n}@${range}`, ...(berry ? [`${n}@npm:${range}`] : [])]);
}

/** Yarn's own parser accepts a repeated key (a hand-resolved merge conflict, say), the last value winning: so do we, with a warning. */
function parseBerryYaml(text: string, path: string, warnings: ScanWarning[]): unknown {
  let doc = yaml().parseDocument(text);
  const duplicates = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY');
  if (duplicates.length > 0) {
    warnings.push({
      path,
      message: `${duplicates.length} repeated key${duplicates.length === 1 ? '' : 's'} in yarn.lock (${duplicates[0]?.message.split('\n')[0] ?? ''}); the last value of each is used, as yarn does`,
    });
    doc = yaml().parseDocument(text, { uniqueKeys: false });
  }
  const [error] = doc.errors;
  if (error) throw error;
  return doc.toJS({ maxAliasCount: 100 });
}

export function readYarnLock(text: string, path: string, app: AppManifest, warnings: ScanWarning[]): LockedPackage[] {
  let entries: YarnEntry[];
  const berry = /^__metadata:/m.test(text);
  try {
    if (berry) {
      const doc: unknown = parseBerryYaml(text, path, warnings);
      if (!isObject(doc)) throw new Error('not a mapping');
      entries = parseBerry(doc);
    } else {
      entries = parseClassic(text, path, warnings);
    }
  } catch (err) {
    warnings.push({ path, message: `malformed yarn.lock: ${errorMessage(err).split('\n')[0]}; skipped` });
    return [];
  }
  const keyOf = new Map<string, string>();
  for (const e of entries) for (const spec of e.specs) keyOf.set(spec, e.specs[0] ?? '');
  const edges = new Map(entries.map((e) => [e.specs[0] ?? '', e.deps.map((d) => keyOf.get(d) ?? d)]));
  const resolve = (specs: string[]): string[] => specs.map((s) => keyOf.get(s) ?? s);
  const dev = devOnlyKeys(edges, resolve(roots(app, PROD_FIELDS, berry)), resolve(roots(app, ['devDependencies'], berry)));
  return entries.map((e) => ({ name: e.name, version: e.version, dev: dev.has(e.specs[0] ?? '') }));
}
