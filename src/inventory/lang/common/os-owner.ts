// Which OS package installed a file, for language metadata that belongs to a deb or apk (Debian's python3-*,
// ruby-*): the language identity goes on that package as `metadata.languagePurl` instead of a second package.
import type { AnalyzerContext } from '../../analyzer.js';
import { parseApkInstalled } from '../../os/apk.js';
import type { Package } from '../../../model/package.js';

const DPKG_INFO = 'var/lib/dpkg/info/';
const APK_INSTALLED = 'lib/apk/db/installed';

/**
 * The OS packages earlier analyzers found. The pipeline hands them to later analyzers in
 * `ctx.packages`; a context without them (an analyzer run alone) has none to annotate.
 */
function osPackages(ctx: AnalyzerContext): Package[] {
  const packages = 'packages' in ctx ? ctx.packages : undefined;
  return Array.isArray(packages) ? (packages as Package[]).filter((p) => p.type === 'deb' || p.type === 'apk' || p.type === 'rpm') : [];
}

/** Owner (type, name, arch) of each of `paths`, from dpkg's `info/*.list` files and apk's database. */
function owners(ctx: AnalyzerContext, paths: ReadonlySet<string>): Map<string, { type: 'deb' | 'apk'; name: string; arch?: string }> {
  const found = new Map<string, { type: 'deb' | 'apk'; name: string; arch?: string }>();
  for (const list of ctx.fs.captured((f) => f.path.startsWith(DPKG_INFO) && f.path.endsWith('.list'))) {
    const [name = '', arch] = list.path.slice(DPKG_INFO.length, -'.list'.length).split(':');
    for (const line of list.body.toString('utf8').split('\n')) {
      const path = line.replace(/^\/+/, '');
      if (paths.has(path)) found.set(path, { type: 'deb', name, ...(arch ? { arch } : {}) });
    }
  }
  const apk = ctx.fs.read(APK_INSTALLED);
  if (apk) {
    for (const entry of parseApkInstalled(apk.body.toString('utf8'))) {
      for (const path of entry.files) if (paths.has(path) && entry.name) found.set(path, { type: 'apk', name: entry.name });
    }
  }
  return found;
}

/**
 * Records `purl` on the OS package that owns `path` (space-separated when one package ships several
 * language packages). Returns false when no owner is known: the caller then only skips the file.
 */
export class OsIdentityRecorder {
  private readonly pending = new Map<string, Set<string>>();

  constructor(private readonly ctx: AnalyzerContext) {}

  isOwned(path: string): boolean {
    return this.ctx.ownedFiles.has(path);
  }

  /** Remembers that the OS-owned file at `path` records the language package `purl` (a binary or jar may record several). */
  add(path: string, purl: string): void {
    const purls = this.pending.get(path) ?? new Set<string>();
    purls.add(purl);
    this.pending.set(path, purls);
  }

  /** The packages read from `path`, or none when an OS package owns the file: their identities go on that package. */
  keep(path: string, packages: Package[]): Package[] {
    if (!this.isOwned(path)) return packages;
    for (const p of packages) this.add(path, p.purl);
    return [];
  }

  /** Writes the remembered identities onto their OS packages, once per analyzer run. */
  flush(): void {
    if (this.pending.size === 0) return;
    const packages = osPackages(this.ctx);
    if (packages.length === 0) return;
    const found = owners(this.ctx, new Set(this.pending.keys()));
    for (const [path, purls] of this.pending) {
      const owner = found.get(path);
      const pkg = owner && packages.find((p) => p.type === owner.type && p.name === owner.name && (!owner.arch || p.arch === owner.arch));
      if (!pkg) continue;
      const known = new Set(String(pkg.metadata?.languagePurl ?? '').split(' ').filter(Boolean));
      for (const purl of purls) known.add(purl);
      pkg.metadata = { ...pkg.metadata, languagePurl: [...known].join(' ') };
    }
    this.pending.clear();
  }
}
