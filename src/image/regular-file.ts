import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { InputError } from '../errors.js';

/**
 * Blob read size (layouts and archives): large enough that reads are few (one 256 KiB read feeds gunzip about a megabyte of
 * output), small enough that a chunk is done with before the scavenges that free chunks promote it
 * (1 MiB chunks, each alive while four megabytes of tar go by, piled up as garbage only a full
 * collection frees: see reclaim.ts).
 */
export const READ_CHUNK = 256 * 1024;

/**
 * Opens a file of an image (a layout's blob, an archive) only when it is a regular file: a FIFO would
 * block the open or the read forever, and a device such as /dev/zero (directly or through a symlink)
 * never ends. The type is checked before opening and again on the open descriptor; undefined when absent.
 */
export async function openRegularFile(path: string, what: string): Promise<{ handle: FileHandle; size: number } | undefined> {
  const refuse = (kind: string): InputError => new InputError(`${what}: ${path} is ${kind}, not a regular file; refusing to read it`);
  const code = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? 'error';
  try {
    const before = await stat(path);
    if (!before.isFile()) throw refuse(before.isDirectory() ? 'a directory' : before.isFIFO() ? 'a FIFO' : before.isSocket() ? 'a socket' : 'a device');
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (code(err) === 'ENOENT') return undefined;
    throw new InputError(`${what}: cannot read ${path}: ${code(err)}`);
  }
  let handle: FileHandle;
  try {
    // Non-blocking, so a FIFO swapped in since the check cannot stall the open.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new InputError(`${what}: cannot open ${path}: ${code(err)}`);
  }
  const after = await handle.stat();
  if (!after.isFile()) {
    await handle.close();
    throw refuse('no longer a regular file');
  }
  return { handle, size: after.size };
}
