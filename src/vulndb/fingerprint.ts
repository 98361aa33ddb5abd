// What tells whether a feed changed since the database was built, without reading it again: a
// downloaded file's SHA-256 (taken as it arrives, so a server without validators is covered too), a
// mirror file's size and mtime, and for a mirror directory the size and mtime of every file in it.
// A directory mirror's copy tool keeps mtimes (rsync -a, cp -p) or sets new ones: either way a
// changed file gets a new size or mtime, and an unchanged copy at worst is read once more.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';

export async function localFingerprint(path: string): Promise<string> {
  const info = await stat(path);
  if (!info.isDirectory()) return `file:${info.size}:${info.mtimeMs}`;
  const hash = createHash('sha256');
  const files = (await filesUnder(path)).sort();
  for (const file of files) {
    // A dangling link (which the reader skips) counts by itself.
    const s = await stat(file).catch(() => lstat(file));
    hash.update(`${relative(path, file)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return `dir:${files.length}:${hash.digest('hex')}`;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** A file's SHA-256, for a download cached before its hash was recorded. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
