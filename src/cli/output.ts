import type { Stats } from 'node:fs';
import { chmod, chown, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';

/**
 * Writes results to stdout or to `-o FILE`. A regular file (or one a symlink names, the link kept) is
 * replaced through a temp file and a rename, so a failed run never leaves half a report, and keeps its
 * mode and owner. Anything else (/dev/null, a FIFO, a terminal) is written in place, as a shell
 * redirection would: renaming over it would replace the device with a file. A stream (a reporter's
 * large output) is written as it comes.
 */
export async function writeOutput(text: string | Readable, file: string | undefined): Promise<void> {
  if (!file || file === '-') {
    for await (const chunk of typeof text === 'string' ? [text] : text) {
      await new Promise<void>((resolve, reject) => process.stdout.write(chunk as string | Buffer, (err) => (err ? reject(err) : resolve())));
    }
    return;
  }
  const fail = (err: unknown): InputError => new InputError(`--output ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  let existing: Stats | undefined;
  try {
    existing = await stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(err);
  }
  if (existing?.isDirectory()) throw new InputError(`--output ${file}: is a directory`);
  if (existing && !existing.isFile()) {
    await writeFile(file, text).catch((err: unknown) => Promise.reject(fail(err)));
    return;
  }
  const target = existing ? await realpath(file) : file;
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    if (existing) {
      // Owner first: chown clears setuid/setgid bits, chmod then restores the mode exactly.
      await chown(temp, existing.uid, existing.gid).catch(() => undefined);
      await chmod(temp, existing.mode & 0o7777);
    }
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw fail(err);
  }
}
