// Ruby gems: installed `specifications/*.gemspec` (RubyGems' own Ruby files, read by pattern, never evaluated)
// and Gemfile.lock. Gemspecs an OS package owns (Debian's ruby-*) put their identity on that package.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { gemPurl } from './purl.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult } from '../../inventory/analyzer.js';
import { langPackage } from '../common/package.js';
import { perFile } from '../common/per-file.js';
import { MAX_MANIFEST_SIZE, text } from '../common/parse.js';

export interface GemIdentity {
  name: string;
  version: string;
  platform?: string;
  licenses: string[];
}

/** `s.field = "value"` (with `.freeze` or not), or `Gem::Version.new("1.0")` for versions. */
function field(source: string, name: string): string | undefined {
  const m = new RegExp(`^\\s*\\w+\\.${name}\\s*=\\s*(?:Gem::(?:Version|Platform)\\.new\\(\\s*)?["']([^"']+)["']`, 'm').exec(source);
  return m?.[1];
}

/** Name, version, platform and licences of a gemspec, or undefined when it has no name or version. */
export function parseGemspec(source: string): GemIdentity | undefined {
  const name = field(source, 'name');
  const version = field(source, 'version');
  if (!name || !version) return undefined;
  const list = /^\s*\w+\.licenses?\s*=\s*\[?([^\n\]]*)/m.exec(source)?.[1] ?? '';
  const licenses = [...list.matchAll(/["']([^"']+)["']/g)].map((m) => m[1] ?? '');
  const platform = field(source, 'platform');
  return { name, version, licenses, ...(platform ? { platform } : {}) };
}

/** Gemfile.lock: `name (version[-platform])` lines at four spaces under each `specs:` of GEM, GIT and PATH sources. */
export function parseGemfileLock(source: string): GemIdentity[] {
  const gems: GemIdentity[] = [];
  let inSpecs = false;
  for (const line of source.split(/\r?\n/)) {
    if (/^\S/.test(line)) inSpecs = false;
    else if (line === '  specs:') inSpecs = true;
    else if (inSpecs) {
      const m = /^ {4}([^\s(]+) \(([^)\s]+)\)$/.exec(line);
      if (!m?.[1] || !m[2]) continue;
      const dash = m[2].indexOf('-');
      const version = dash < 0 ? m[2] : m[2].slice(0, dash);
      gems.push({ name: m[1], version, licenses: [], ...(dash < 0 ? {} : { platform: m[2].slice(dash + 1) }) });
    }
  }
  return gems;
}

/** A lock file lists a native gem once per platform it supports: one package per name@version, platform only when one. */
function onePerVersion(gems: GemIdentity[]): GemIdentity[] {
  const byId = new Map<string, GemIdentity>();
  for (const gem of gems) {
    const key = `${gem.name}@${gem.version}`;
    const known = byId.get(key);
    if (!known) byId.set(key, gem);
    else if (known.platform !== gem.platform) byId.set(key, { name: gem.name, version: gem.version, licenses: [] });
  }
  return [...byId.values()];
}

/** A project's Gemfile.lock; one inside an installed gem's directory (`gems/<name>-<version>/`) is that gem's development lock. */
function isGemfileLock(path: string): boolean {
  return (path === 'Gemfile.lock' || path.endsWith('/Gemfile.lock')) && !path.includes('/gems/');
}

function isGemspec(path: string): boolean {
  return path.endsWith('.gemspec') && (path.includes('/specifications/') || path.startsWith('specifications/'));
}

function gemPackage(gem: GemIdentity, file: CapturedFile): Package {
  const platform = gem.platform && gem.platform !== 'ruby' ? { platform: gem.platform } : undefined;
  return langPackage({
    type: 'gem',
    name: gem.name,
    version: gem.version,
    purl: gemPurl(gem.name, gem.version, gem.platform),
    file,
    licenses: gem.licenses,
    metadata: platform,
  });
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const warnings: ScanWarning[] = [];
  const packages: Package[] = [];
  const gemspecs = ctx.fs.captured((f) => isGemspec(f.path));
  for (const file of gemspecs) {
    const [read] = perFile(file, warnings, () => [{ gem: parseGemspec(text(file)) }]);
    if (!read) continue;
    const { gem } = read;
    if (!gem) {
      warnings.push({ path: file.path, message: 'gemspec has no name or version; skipped' });
      continue;
    }
    packages.push(gemPackage(gem, file));
  }
  for (const file of ctx.fs.captured((f) => isGemfileLock(f.path))) {
    const source = text(file);
    const gems = perFile(file, warnings, () => parseGemfileLock(source));
    if (gems.length === 0 && !/^(GEM|GIT|PATH|PLATFORMS|DEPENDENCIES)$/m.test(source)) {
      warnings.push({ path: file.path, message: 'not a Gemfile.lock (no GEM, GIT, PATH or DEPENDENCIES section); skipped' });
      continue;
    }
    packages.push(...onePerVersion(gems).map((g) => gemPackage(g, file)));
  }
  return { packages, warnings, identityFiles: gemspecs.map((f) => f.path) };
}

export const rubyAnalyzer: Analyzer = {
  name: 'ruby',
  version: 1,
  maxFileSize: MAX_MANIFEST_SIZE,
  wants(info: FileInfo): boolean {
    if (info.type !== 'file' && info.type !== 'hardlink') return false;
    return isGemspec(info.path) || isGemfileLock(info.path);
  },
  analyze: async (ctx) => analyze(ctx),
};
