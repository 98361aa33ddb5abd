// The ecosystem registry is the one home of ecosystem knowledge (issue 14): each package type has one
// folder and one descriptor, everything that lists types or schemes is derived from it, and no other
// module under src/ keeps a list of package types of its own.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { ANALYZER_STAGES } from '../../src/ecosystems/ecosystem.js';
import { ALL_ANALYZERS, BINARY_ANALYZERS, ECOSYSTEMS, MANIFEST_ANALYZERS, OS_ANALYZERS, ecosystemOf, isOsPackage } from '../../src/ecosystems/registry.js';
import { languageEcosystem, osEcosystem } from '../../src/match/ecosystems.js';
import { OSV_ECOSYSTEMS } from '../../src/vulndb/sources.js';
import { versions } from '../../src/versions/index.js';

const SRC = resolve(import.meta.dirname, '../../src');
const ECOSYSTEMS_DIR = join(SRC, 'ecosystems');
const types = ECOSYSTEMS.map((e) => e.type as string);

test('every package type has exactly one descriptor, in a folder of its name', () => {
  assert.equal(new Set(types).size, types.length, `duplicate types in ${types.join(', ')}`);
  const folders = readdirSync(ECOSYSTEMS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'common')
    .map((e) => e.name)
    .sort();
  assert.deepEqual(folders, [...types].sort(), 'each folder is registered and each registered type has a folder');
  for (const type of types) assert.ok(existsSync(join(ECOSYSTEMS_DIR, type, 'index.ts')), `${type}/index.ts`);
  for (const e of ECOSYSTEMS) assert.equal(ecosystemOf(e.type), e);
});

test('every analyzer runs once, in stage order: OS databases first, identification by bytes last', () => {
  const names = ALL_ANALYZERS.map((a) => a.name);
  assert.equal(new Set(names).size, names.length, `duplicate analyzers in ${names.join(', ')}`);
  assert.equal(
    ALL_ANALYZERS.length,
    ECOSYSTEMS.reduce((n, e) => n + e.analyzers.length, 0),
  );
  const stageOf = new Map(ECOSYSTEMS.flatMap((e) => e.analyzers.map((a) => [a.analyzer, a.stage] as const)));
  const stages = ALL_ANALYZERS.map((a) => ANALYZER_STAGES.indexOf(stageOf.get(a) ?? 'os'));
  assert.deepEqual(
    stages,
    [...stages].sort((a, b) => a - b),
  );
  assert.deepEqual([...OS_ANALYZERS, ...MANIFEST_ANALYZERS, ...BINARY_ANALYZERS], [...ALL_ANALYZERS]);
  for (const e of ECOSYSTEMS)
    assert.equal(
      e.analyzers.some((a) => a.stage === 'os'),
      e.os,
      `${e.type}: an OS ecosystem reads an OS database, and only it does`,
    );
  assert.equal(ALL_ANALYZERS.at(-1)?.name, 'binary-fingerprint');
});

test('every advisory ecosystem maps back to one descriptor, and is a feed the database downloads', () => {
  const language = ECOSYSTEMS.flatMap((e) => (e.advisories ? [[e.advisories.ecosystem, e.type] as const] : []));
  assert.equal(new Set(language.map(([name]) => name)).size, language.length, 'one descriptor per OSV ecosystem');
  for (const [name, type] of language) {
    assert.equal(languageEcosystem(type)?.ecosystem, name);
    assert.ok(OSV_ECOSYSTEMS.includes(name), `${name} (${type}) is downloaded`);
  }
  const families = ECOSYSTEMS.flatMap((e) => (e.releases?.families ?? []).map((family) => [family, e] as const));
  assert.equal(new Set(families.map(([family]) => family)).size, families.length, 'each distribution family belongs to one ecosystem');
  const osNames = families.map(([family, e]) => {
    const eco = osEcosystem({ family, version: '22.04' });
    assert.ok(!('reason' in eco), `${family}: ${'reason' in eco ? eco.reason : ''}`);
    assert.equal(eco.packageType, e.type, `${family} releases match ${e.type} packages`);
    const base = eco.ecosystem.split(':')[0] as string;
    assert.ok(OSV_ECOSYSTEMS.includes(base), `${base} (${family}) is downloaded`);
    return base;
  });
  for (const e of ECOSYSTEMS) assert.equal(e.os, e.releases !== undefined, `${e.type}: OS ecosystems and only they name distribution releases`);
  // The feeds downloaded for ecosystems Plimsoll does not inventory (yet): named, so a new one is a decision.
  const claimed = new Set([...language.map(([name]) => name), ...osNames]);
  assert.deepEqual(OSV_ECOSYSTEMS.filter((name) => !claimed.has(name)).sort(), ['Hex', 'Pub', 'Red Hat', 'SUSE', 'openSUSE']);
});

test("the version schemes are the descriptors' own, under their names, with plain SemVer beside them", () => {
  const declared = ECOSYSTEMS.flatMap((e) => Object.entries(e.versions));
  assert.deepEqual(Object.keys(versions).sort(), ['semver', ...declared.map(([name]) => name)].sort());
  for (const [name, scheme] of declared) {
    assert.equal(versions[name as keyof typeof versions], scheme);
    assert.equal(scheme.name, name);
  }
});

test("isOsPackage is the descriptors' OS flag", () => {
  for (const e of ECOSYSTEMS) assert.equal(isOsPackage({ type: e.type }), e.os, e.type);
  assert.equal(isOsPackage({ type: 'no-such-type' }), false);
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('no module outside the registry keeps a list of package types', () => {
  const quoted = new RegExp(`'(${types.join('|')})'`, 'g');
  const ownFolder = (file: string) => types.some((type) => file.startsWith(`ecosystems/${type}/`));
  const lists = sourceFiles(SRC).flatMap((path) => {
    const file = relative(SRC, path);
    if (ownFolder(file)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const named = new Set([...line.matchAll(quoted)].map((m) => m[1]));
        const union = /\btype\s+\w+\s*=\s*'[^']*'\s*\|/.test(line) && named.size >= 2;
        return named.size >= 3 || union ? [`${file}:${i + 1}: ${line.trim()}`] : [];
      });
  });
  assert.deepEqual(lists, []);
  // The scan does see such lists: the union this registry replaced would be caught.
  assert.ok(`export type PackageType = 'deb' | 'apk' | 'rpm';`.match(quoted)?.length === 3);
});

test('an ecosystem is registered by one line in list.ts: the export of its descriptor', () => {
  const lines = readFileSync(join(ECOSYSTEMS_DIR, 'list.ts'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('//'));
  assert.deepEqual(
    lines,
    types.map((type) => `export { ${type} } from './${type}/index.js';`),
  );
});
