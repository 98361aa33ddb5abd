// Which image files may be compiled binaries: the cheap predicate the Go and Rust analyzers share,
// run on every file of every layer, so it looks at metadata only. No directory is ruled out:
// images put binaries anywhere (Grafana's live in usr/share/grafana/bin).
import type { CapturedFile, FileInfo } from '../../../image/files.js';
import type { Package, ScanWarning } from '../../../model/package.js';
import type { Analyzer } from '../../analyzer.js';
import { OsIdentityRecorder } from '../common/os-owner.js';
import { ElfError, isElf } from './elf.js';

/**
 * Smaller executables are scripts or small C tools: a Go binary is over 1 MiB (its runtime alone),
 * a size-optimised Rust one a few hundred KiB. In debian-app this keeps 37 of 120 executables.
 */
const MIN_SIZE = 128 * 1024;
/** Binaries are read whole, so this bounds memory per file; larger ones get a "skipped" warning. */
export const MAX_BINARY_SIZE = 256 * 1024 * 1024;
const SCRIPT_SUFFIX = /\.(?:sh|bash|py|pl|rb|js|mjs|cjs|php|jar|txt|md|json)$/i;

export function maybeBinary(info: FileInfo): boolean {
  return (
    info.type === 'file' &&
    (info.mode & 0o111) !== 0 &&
    info.size >= MIN_SIZE &&
    !SCRIPT_SUFFIX.test(info.path)
  );
}

/**
 * An analyzer over the image's ELF executables. `read` turns one into packages and throws ElfError
 * when its data is unreadable (a warning naming the file); a binary an OS package installed records
 * its identities on that package instead.
 */
export function elfBinaryAnalyzer(name: string, what: string, read: (file: CapturedFile) => Package[]): Analyzer {
  return {
    name,
    wants: maybeBinary,
    maxFileSize: MAX_BINARY_SIZE,
    async analyze(ctx) {
      const packages: Package[] = [];
      const warnings: ScanWarning[] = [];
      const osIdentities = new OsIdentityRecorder(ctx);
      for (const file of ctx.fs.captured((f) => maybeBinary(f) && isElf(f.body))) {
        try {
          packages.push(...osIdentities.keep(file.path, read(file)));
        } catch (err) {
          if (!(err instanceof ElfError)) throw err;
          warnings.push({ path: file.path, message: `${what} not readable: ${err.message}` });
        }
      }
      osIdentities.flush();
      return { packages, warnings };
    },
  };
}
