// One update (or import) at a time per database directory: a lock file created exclusively,
// holding the owner's pid and what it is doing. A second update waits with a message; a lock
// left by a dead process is broken, and what that process was doing is reported.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PlimsollError } from '../errors.js';

export const LOCK_FILE = 'update.lock';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** What the owner was doing last (`reading feed osv/Go`). */
  doing?: string;
}

export interface LockOptions {
  /** Called once when the lock is held by a live process and we start waiting. */
  onWait?: (owner: LockInfo, path: string) => void;
  /** Called when a lock of a dead process was broken. */
  onStale?: (owner: LockInfo, path: string) => void;
  timeoutMs?: number;
  pollMs?: number;
}

export class UpdateLock {
  private constructor(
    readonly path: string,
    private info: LockInfo,
  ) {}

  static async acquire(dbDir: string, options: LockOptions = {}): Promise<UpdateLock> {
    const path = join(dbDir, LOCK_FILE);
    const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    const deadline = Date.now() + (options.timeoutMs ?? 30 * 60 * 1000);
    let announced = false;
    while (true) {
      if (tryCreate(path, info)) return new UpdateLock(path, info);
      const owner = readLock(path);
      if (!owner) continue; // released between our attempt and the read
      if (!isAlive(owner)) {
        if (breakStale(path, owner)) options.onStale?.(owner, path);
        continue;
      }
      if (!announced) {
        options.onWait?.(owner, path);
        announced = true;
      }
      if (Date.now() > deadline) {
        throw new PlimsollError(`${path}: another update (pid ${owner.pid}, started ${owner.startedAt}) still holds the lock; giving up`);
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
    }
  }

  /** Records progress in the lock, so whoever finds it after a crash can say where it stopped. */
  note(doing: string): void {
    this.info = { ...this.info, doing };
    // Replaced by rename, never rewritten in place: a waiter must never read a half-written lock.
    const tmp = `${this.path}.new-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.info));
    renameSync(tmp, this.path);
  }

  release(): void {
    const owner = readLock(this.path);
    if (owner && owner.pid === this.info.pid && owner.host === this.info.host) rmSync(this.path, { force: true });
  }
}

/** Who holds the lock of `dbDir`, if anyone, and whether that process still runs. */
export function currentLock(dbDir: string): { owner: LockInfo; alive: boolean } | undefined {
  const owner = readLock(join(dbDir, LOCK_FILE));
  return owner && { owner, alive: isAlive(owner) };
}

/** Writes the lock under a private name and links it into place: it is never seen empty. */
function tryCreate(path: string, info: LockInfo): boolean {
  const tmp = `${path}.new-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify(info));
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new PlimsollError(`${path}: cannot create the update lock: ${(err as Error).message}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function readLock(path: string): LockInfo | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as LockInfo;
    if (typeof parsed.pid === 'number') return parsed;
  } catch {
    // Not JSON: locks are linked into place complete, so this is debris, not a live owner.
  }
  return { pid: 0, host: hostname(), startedAt: 'unknown' };
}

function isAlive(owner: LockInfo): boolean {
  // A lock from another host (shared directory) cannot be checked: treat it as alive.
  if (owner.host !== hostname()) return true;
  return processAlive(owner.pid);
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves the stale lock aside under a private name, then checks that what was moved is still
 * the dead owner's lock: if another waiter replaced it meanwhile, its lock is put back.
 */
function breakStale(path: string, owner: LockInfo): boolean {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // someone else broke it first
  }
  const moved = readLock(aside);
  if (moved && (moved.pid !== owner.pid || moved.startedAt !== owner.startedAt) && isAlive(moved)) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process already created a new lock; the one we moved was not stale after all,
      // but its owner will find its lock gone at release and no damage is done to the data.
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}
