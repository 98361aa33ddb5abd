// Renames that survive a power cut: the new file's bytes reach the disk before the rename
// makes it the database, and the directory entry is flushed after.
import { closeSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

export function durableRename(from: string, to: string): void {
  fsyncPath(from);
  renameSync(from, to);
  try {
    fsyncPath(dirname(to));
  } catch {
    // Some file systems cannot fsync a directory; the rename itself is still atomic.
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
