import type { ImageFilesystem } from '../../image/files.js';
import type { ScanWarning } from '../../model/warning.js';

/**
 * Why a package database the OS should have could not be read: never a silent empty result, since
 * "0 packages" reads as a clean image.
 */
export function missingDatabase(fs: ImageFilesystem, path: string, manager: string): ScanWarning {
  const entry = fs.get(path);
  const resolved = fs.resolve(path);
  let why: string;
  if (!entry) why = 'is absent (never written, or deleted by a later layer)';
  else if (!resolved) why = `is a symlink to ${entry.linkTarget ?? '?'} that leads nowhere (dangling or looping)`;
  else if (resolved.type !== 'file' && resolved.type !== 'hardlink') why = `is a ${resolved.type}, not a file`;
  else why = 'could not be read';
  return { path, message: `the ${manager} database ${path} ${why}: this image's ${manager} packages are not listed` };
}
