// Runtimes and libraries that no package manager records (a node, python or nginx copied into a
// distroless or scratch image, a JDK unpacked from a tarball), identified by the version their own
// bytes state (binary/classifiers.ts). A file an OS package owns is left to that package, and a Go
// binary to its build information, so nothing is reported twice.
import type { CapturedFile } from '../../image/files.js';
import type { Package } from '../../model/package.js';
import { genericPurl } from '../../model/purl.js';
import type { Analyzer, AnalyzerContext } from '../analyzer.js';
import { MAX_BINARY_SIZE } from './binary/executable.js';
import { readExecutableFacts, reduceExecutable } from './binary/facts.js';
import { fingerprintWanted, type Fingerprint } from './binary/fingerprint.js';
import { langPackage } from './common/package.js';
import { goPackage, stdlibVersion } from './go-binary.js';

function fingerprintPackage(file: CapturedFile, fp: Fingerprint): Package | undefined {
  const metadata = { identifiedBy: 'binary-fingerprint', evidence: fp.evidence, cpe: fp.cpe };
  if (fp.identity === 'go-stdlib') {
    const version = stdlibVersion(`go${fp.version}`);
    return version ? goPackage(file, 'stdlib', version, metadata) : undefined;
  }
  return langPackage({ type: 'binary', name: fp.name, version: fp.version, purl: genericPurl(fp.name, fp.version), file, metadata });
}

/** A GOROOT's VERSION file says what its bin/go says; the Go binary analyzer has reported that one already. */
function identifiedElsewhere(ctx: AnalyzerContext, pkg: Package): boolean {
  if (pkg.type !== 'golang') return false;
  const goroot = pkg.locations[0]?.path.replace(/\/?VERSION$/, '') ?? '';
  const goBinary = goroot ? `${goroot}/bin/go` : 'bin/go';
  return (ctx.packages ?? []).some((p) => p.type === 'golang' && p.name === 'stdlib' && p.locations[0]?.path === goBinary);
}

export const fingerprintAnalyzer: Analyzer = {
  name: 'binary-fingerprint',
  version: 1,
  wants: fingerprintWanted,
  maxFileSize: MAX_BINARY_SIZE,
  reduce: reduceExecutable,
  analyze(ctx) {
    const packages: Package[] = [];
    for (const file of ctx.fs.captured((f) => fingerprintWanted(f))) {
      const fp = readExecutableFacts(file)?.fingerprint;
      const pkg = fp && fingerprintPackage(file, fp);
      if (pkg && !identifiedElsewhere(ctx, pkg)) packages.push(pkg);
    }
    return Promise.resolve({ packages, warnings: [] });
  },
};
