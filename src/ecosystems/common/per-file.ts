// One malformed file costs only that file: whatever a parser throws on it (a stack overflow on absurd
// nesting, an unforeseen shape) becomes one warning naming it, and the analyzer goes on with the others.
import type { CapturedFile } from '../../image/files.js';
import { errorMessage } from '../../errors.js';
import type { ScanWarning } from '../../model/warning.js';

function skipped(file: Pick<CapturedFile, 'path'>, err: unknown): ScanWarning {
  return { path: file.path, message: `could not be read (${errorMessage(err).split('\n')[0]}); skipped` };
}

/** What `read` finds in `file`, or nothing (with a warning) when it throws. */
export function perFile<T>(file: Pick<CapturedFile, 'path'>, warnings: ScanWarning[], read: () => T[]): T[] {
  try {
    return read();
  } catch (err) {
    warnings.push(skipped(file, err));
    return [];
  }
}

/** {@link perFile} for readers that wait (archives). */
export async function perFileAsync<T>(file: Pick<CapturedFile, 'path'>, warnings: ScanWarning[], read: () => Promise<T[]>): Promise<T[]> {
  try {
    return await read();
  } catch (err) {
    warnings.push(skipped(file, err));
    return [];
  }
}
