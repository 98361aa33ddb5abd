// Installed npm packages: every `node_modules/<name>/package.json` (and `node_modules/@scope/<name>/...`), nested
// and bundled copies included, each at its own path. Dev-only marks follow Node's module resolution from the app.
import type { CapturedFile, ImageFilesystem } from '../../image/files.js';
import { basename, dirname } from '../../image/paths.js';
import type { ScanWarning } from '../../model/warning.js';
import { isObject, parseJsonFile, str, type JsonObject } from '../common/parse.js';
import { dependencyEntries, devOnlyKeys, PROD_FIELDS } from './dev-only.js';

const INSTALLED = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/]+\/package\.json$/;

export function isInstalledManifest(path: string): boolean {
  return INSTALLED.test(path);
}

/** The project directory an installed package belongs to: what precedes its first `node_modules/` ('' or `app/`). */
export function appDirOf(path: string): string {
  const at = path.startsWith('node_modules/') ? 0 : path.indexOf('/node_modules/') + 1;
  return path.slice(0, at);
}

export interface InstalledPackage {
  name: string;
  version: string;
  /** The package.json it was read from. */
  file: CapturedFile;
  licenses: string[];
  dev: boolean;
}

function licensesOf(manifest: JsonObject): string[] {
  const one = (l: unknown): string | undefined => str(l) ?? (isObject(l) ? str(l.type) : undefined);
  const license = one(manifest.license);
  if (license) return [license];
  return Array.isArray(manifest.licenses) ? manifest.licenses.flatMap((l) => one(l) ?? []) : [];
}

/** Where `require(name)` from `fromDir` lands: the nearest `node_modules/name` up to the app root, symlinks (pnpm) followed. */
function resolveFrom(fs: ImageFilesystem, fromDir: string, name: string, root: string): string | undefined {
  let dir = fromDir;
  while (true) {
    if (basename(dir) !== 'node_modules') {
      const real = fs.resolve(`${dir === '' ? '' : `${dir}/`}node_modules/${name}/package.json`);
      if (real && real.type !== 'dir' && real.type !== 'symlink') return dirname(real.path);
    }
    if (dir === root || dir === '') return undefined;
    dir = dirname(dir);
  }
}

/** Directories (of installed packages) only development dependencies of the app at `appDir` need. */
function devOnlyDirs(fs: ImageFilesystem, appDir: string, manifests: Map<string, JsonObject>, app: JsonObject): Set<string> {
  const root = appDir.replace(/\/$/, '');
  const depsOf = (fromDir: string, manifest: JsonObject, fields: readonly string[]): string[] =>
    fields.flatMap((f) => dependencyEntries(manifest, f)).flatMap(([name]) => resolveFrom(fs, fromDir, name, root) ?? []);
  const edges = new Map<string, string[]>();
  for (const [dir, manifest] of manifests) edges.set(dir, depsOf(dir, manifest, PROD_FIELDS));
  return devOnlyKeys(edges, depsOf(root, app, PROD_FIELDS), depsOf(root, app, ['devDependencies']));
}

/** Items (each at a package.json `path`) by the app they belong to, then by their directory. */
function byApp<T extends { path: string }>(items: readonly T[]): Map<string, Map<string, T>> {
  const apps = new Map<string, Map<string, T>>();
  for (const item of items) {
    const appDir = appDirOf(item.path);
    const dirs = apps.get(appDir) ?? new Map<string, T>();
    apps.set(appDir, dirs);
    dirs.set(dirname(item.path), item);
  }
  return apps;
}

/** The directories of `dirs` that only the development dependencies of the app at `appDir` need (none without its manifest). */
function devOnlyIn(fs: ImageFilesystem, appDir: string, dirs: Map<string, { manifest: JsonObject }>, app: JsonObject | undefined): Set<string> {
  return app ? devOnlyDirs(fs, appDir, new Map([...dirs].map(([dir, d]) => [dir, d.manifest])), app) : new Set<string>();
}

/** An app's own package.json (its dependency maps), by path; undefined when it has none that reads. */
export type AppManifests = (path: string) => JsonObject | undefined;

/** Installed packages of every app in the image; a package.json without name or version is a warning. */
export function readInstalled(fs: ImageFilesystem, files: CapturedFile[], warnings: ScanWarning[], app: AppManifests): InstalledPackage[] {
  const parsed = files.flatMap((file) => {
    const manifest = parseJsonFile(file, warnings);
    return manifest ? [{ path: file.path, file, manifest }] : [];
  });
  const out: InstalledPackage[] = [];
  for (const [appDir, dirs] of byApp(parsed)) {
    const dev = devOnlyIn(fs, appDir, dirs, app(`${appDir}package.json`));
    for (const [dir, { file, manifest }] of dirs) {
      const name = str(manifest.name);
      const version = str(manifest.version);
      if (!name || !version) {
        warnings.push({ path: file.path, message: `installed package.json has no ${name ? 'version' : 'name'}; skipped` });
        continue;
      }
      out.push({ name, version, file, licenses: licensesOf(manifest), dev: dev.has(dir) });
    }
  }
  return out;
}

/** The paths of the installed `manifests` (their dependency maps, by path) that only their app's development dependencies need. */
export function devOnlyManifests(fs: ImageFilesystem, manifests: readonly { path: string; manifest: JsonObject }[], app: AppManifests): Set<string> {
  const dev = new Set<string>();
  for (const [appDir, dirs] of byApp(manifests)) {
    const devDirs = devOnlyIn(fs, appDir, dirs, app(`${appDir}package.json`));
    for (const [dir, { path }] of dirs) if (devDirs.has(dir)) dev.add(path);
  }
  return dev;
}
