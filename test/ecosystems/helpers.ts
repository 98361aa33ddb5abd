// Shared by the language tests: fixture files put into an image filesystem, and the testbed inventory of debian-app.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openImage } from '../../src/image/open.js';
import type { Analyzer } from '../../src/inventory/analyzer.js';
import { ALL_ANALYZERS } from '../../src/inventory/analyzers.js';
import { analyzeFilesystem, inventoryImage } from '../../src/inventory/run.js';
import type { Package } from '../../src/model/package.js';
import type { ScanWarning } from '../../src/model/warning.js';
import { TESTBED } from '../helpers/testbed.js';
import { fsFromFiles, type FixtureFiles } from '../helpers/memory-fs.js';

export const FIXTURES = join(import.meta.dirname, '../fixtures/lang');

/** Every file under `test/fixtures/lang/<dir>`, keyed by its path below `<dir>` with `prefix` in front. */
export function fixtureFiles(dir: string, prefix = ''): FixtureFiles {
  const out: FixtureFiles = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(FIXTURES, dir, rel))) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (statSync(join(FIXTURES, dir, path)).isDirectory()) walk(path);
      else out[`${prefix}${path}`] = readFileSync(join(FIXTURES, dir, path), 'utf8');
    }
  };
  walk('');
  return out;
}

const OWNER: Package = {
  id: 'os-package',
  name: 'os-package',
  version: '1',
  type: 'deb',
  purl: 'pkg:deb/os-package@1',
  locations: [{ path: 'os-db', layer: { index: 0, digest: '' } }],
};

/** Runs one analyzer over a one-layer filesystem holding `files`, through the applier; `ownedFiles` are owned by an OS package the test does not name. */
export async function analyzeFiles(
  analyzer: Analyzer,
  files: FixtureFiles,
  ownedFiles: Iterable<string> = [],
): Promise<{ packages: Package[]; warnings: ScanWarning[] }> {
  const owned = { [OWNER.id]: [...ownedFiles] };
  const owner: Analyzer = {
    name: 'test-owner',
    version: 1,
    ownsFiles: true,
    wants: () => false,
    analyze: () => Promise.resolve({ packages: [OWNER], warnings: [], ownedFiles: owned }),
  };
  const { packages, warnings } = await analyzeFilesystem(fsFromFiles(files), [owner, analyzer]);
  return { packages: packages.filter((p) => p.id !== OWNER.id), warnings };
}

let debianApp: Promise<DebianApp> | undefined;

interface DebianApp {
  packages: Package[];
  warnings: ScanWarning[];
}

/**
 * debian-app read by the project's pipeline (source, layers, whiteouts, file index, OS detection) with
 * every OS and manifest analyzer in order, each seeing the packages found before it in `ctx.packages`,
 * the context `inventoryImage` is to give (see the report of issue 4). Read once per test process.
 */
export function debianAppInventory(): Promise<DebianApp> {
  debianApp ??= (async () => {
    const image = await openImage(`oci:${join(TESTBED, 'oci', 'debian-app')}:1.0`);
    try {
      const { packages, warnings } = await inventoryImage(image, { analyzers: ALL_ANALYZERS });
      return { packages, warnings };
    } finally {
      await image.close();
    }
  })();
  return debianApp;
}

/** `name@version` of each package. */
export function ids(packages: readonly { name?: string; version?: string }[]): string[] {
  return packages.map((p) => `${p.name}@${p.version}`).sort();
}
