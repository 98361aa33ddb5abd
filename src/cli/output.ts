import { rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { InputError } from '../errors.js';

/** Writes results to stdout, or to a file through a temp file and a rename, so a failed run never leaves half a report. */
export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (!file || file === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
    return;
  }
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new InputError(`--output ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
