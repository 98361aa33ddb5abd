// Language metadata that belongs to an OS package (Debian's python3-*, ruby-*, a jar or Go binary a
// deb installed): the language identity goes on that package as `metadata.languagePurl` instead of
// a second package. The OS analyzers recorded each owned path with its package's id.
import type { AnalyzerContext } from '../../inventory/analyzer.js';
import type { Package } from '../../model/package.js';

/**
 * Records purls on the OS package that owns a path (space-separated when one package ships several
 * language packages). A file whose owner is not among `ctx.packages` (an analyzer run alone) is
 * only skipped.
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
    const byId = new Map((this.ctx.packages ?? []).map((p) => [p.id, p]));
    for (const [path, purls] of this.pending) {
      const owner = this.ctx.ownedFiles.get(path);
      const pkg = owner === undefined ? undefined : byId.get(owner);
      if (!pkg) continue;
      const known = new Set(String(pkg.metadata?.languagePurl ?? '').split(' ').filter(Boolean));
      for (const purl of purls) known.add(purl);
      pkg.metadata = { ...pkg.metadata, languagePurl: [...known].join(' ') };
    }
    this.pending.clear();
  }
}
