// Go binaries: the build information the linker embeds (what `go version -m` prints) gives the
// toolchain, reported as the `stdlib` package because the standard library has advisories of its
// own, the main module and every dependency module, with `=>` replacements.
import type { CapturedFile } from '../../image/files.js';
import { packageId } from '../../model/inventory.js';
import type { Package } from '../../model/package.js';
import { golangPurl } from './purl.js';
import type { Analyzer } from '../../inventory/analyzer.js';
import { elfBinaryAnalyzer } from '../common/binary/executable.js';
import type { GoBuildInfo, GoModule } from './go-buildinfo.js';

/**
 * A Go toolchain name as a module version, the form Go's advisories use for `stdlib`:
 * `go1.19.8` → `v1.19.8`, `go1.20` → `v1.20.0`, `go1.21rc2` → `v1.21.0-rc.2`; undefined for `devel` builds.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?(?:\s|$|[+-])/.exec(`${goVersion} `);
  if (!m) return undefined;
  const [, major, minor, patch = '0', pre, preNumber] = m;
  return `v${major}.${minor}.${patch}${pre ? `-${pre}.${preNumber}` : ''}`;
}

/** A main module version worth matching: local builds say `(devel)`, GOPATH builds have none. */
function isRealVersion(version: string): boolean {
  return version !== '' && version !== '(devel)';
}

/** A Go module (or the stdlib) read from `file`: a binary or a go.mod. */
export function goPackage(file: CapturedFile, name: string, version: string, metadata: Record<string, string | boolean> = {}): Package {
  return {
    id: packageId('golang', name, version, file.path),
    name,
    version,
    type: 'golang',
    purl: golangPurl(name, version),
    locations: [{ path: file.path, layer: file.layer }],
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/**
 * The module compiled in: a module replacement's path and version; a directory replacement (the go
 * command records it with version `(devel)`) keeps the required path and version.
 */
function depPackage(file: CapturedFile, dep: GoModule, common: Record<string, string | boolean>): Package {
  const replace = dep.replace;
  if (replace && isRealVersion(replace.version)) {
    return goPackage(file, replace.path, replace.version, { ...common, replaces: `${dep.path} ${dep.version}` });
  }
  return goPackage(file, dep.path, dep.version, { ...common, ...(replace ? { replacedBy: replace.path } : {}) });
}

export function goPackages(file: CapturedFile, info: GoBuildInfo): Package[] {
  const common: Record<string, string | boolean> = { goVersion: info.goVersion };
  const packages: Package[] = [];
  const std = stdlibVersion(info.goVersion);
  if (std) {
    packages.push(
      goPackage(file, 'stdlib', std, {
        ...common,
        ...(info.path ? { mainPath: info.path } : {}),
        ...(info.main ? { mainModule: `${info.main.path} ${info.main.version}`.trim() } : {}),
        ...Object.fromEntries([...info.settings].filter(([key]) => key === 'CGO_ENABLED' || key === 'vcs.revision' || key === '-trimpath')),
      }),
    );
  }
  if (info.main && isRealVersion(info.main.version)) packages.push(goPackage(file, info.main.path, info.main.version, { ...common, main: true }));
  for (const dep of info.deps) packages.push(depPackage(file, dep, common));
  return packages;
}

export const goBinaryAnalyzer: Analyzer = elfBinaryAnalyzer('go-binary', 'Go build information', 'go', (file, facts) =>
  facts.go ? goPackages(file, facts.go) : [],
);
