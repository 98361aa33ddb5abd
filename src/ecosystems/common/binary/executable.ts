// Which image files may be compiled binaries: the cheap predicate the Go and Rust analyzers share,
// run on every file of every layer, so it looks at metadata only. No directory is ruled out:
// images put binaries anywhere (Grafana's live in usr/share/grafana/bin).
import type { CapturedFile, FileInfo } from '../../../image/files.js';
import type { Package } from '../../../model/package.js';
import type { ScanWarning } from '../../../model/warning.js';
import type { Analyzer } from '../../../inventory/analyzer.js';
import { readExecutableFacts, reduceExecutable, type ExecutableFacts } from './facts.js';

/**
 * Smaller executables are scripts or small C tools: a Go binary is over 1 MiB (its runtime alone),
 * a size-optimised Rust one a few hundred KiB. In debian-app this keeps 37 of 120 executables.
 */
const MIN_SIZE = 128 * 1024;
/** Binaries are read whole (then reduced to their facts), so this bounds memory per file; larger ones get a "skipped" warning. */
export const MAX_BINARY_SIZE = 256 * 1024 * 1024;
const SCRIPT_SUFFIX = /\.(?:sh|bash|py|pl|rb|js|mjs|cjs|php|jar|txt|md|json)$/i;

export function maybeBinary(info: FileInfo): boolean {
  return info.type === 'file' && (info.mode & 0o111) !== 0 && info.size >= MIN_SIZE && !SCRIPT_SUFFIX.test(info.path);
}

/**
 * An analyzer over the image's executables. Each is reduced to its facts as soon as it is read
 * (`reduceExecutable`); `read` turns the facts of `part` into packages. A part that could not be
 * read gives a warning naming the file; a binary an OS package installed records its identities
 * on that package instead.
 */
export function elfBinaryAnalyzer(name: string, what: string, part: 'go' | 'rust', read: (file: CapturedFile, facts: ExecutableFacts) => Package[]): Analyzer {
  return {
    name,
    version: 1,
    wants: maybeBinary,
    maxFileSize: MAX_BINARY_SIZE,
    reduce: reduceExecutable,
    async analyze(ctx) {
      const packages: Package[] = [];
      const warnings: ScanWarning[] = [];
      const identityFiles: string[] = [];
      for (const file of ctx.fs.captured(maybeBinary)) {
        const facts = readExecutableFacts(file);
        if (!facts) continue;
        const error = facts.errors[part];
        if (error) warnings.push({ path: file.path, message: `${what} not readable: ${error}` });
        else {
          packages.push(...read(file, facts));
          identityFiles.push(file.path);
        }
      }
      return { packages, warnings, identityFiles };
    },
  };
}
