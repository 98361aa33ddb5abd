// Reference data for the rpm tests: the testbed's `rpm -qa` truth files, and queries
// run with the host's rpm binary (CI installs it) on a scratch copy of a database.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED } from '../../helpers/testbed.js';
import type { RpmHeader } from '../../../src/ecosystems/rpm/rpmdb/header.js';

export const RPMDB_DIR = join(SHARED, 'testbed', 'rpmdb');

/** The real databases and the rpm backend that can read each one (Debian's rpm has no NDB). */
export const DATABASES = [
  { dir: 'libuuid', file: 'Packages', backend: 'bdb_ro' },
  { dir: 'sle15-bci', file: 'Packages.db', backend: undefined },
  { dir: 'cbl-mariner-2.0', file: 'rpmdb.sqlite', backend: 'sqlite' },
  { dir: 'amazonlinux2023-plain', file: 'rpmdb.sqlite', backend: 'sqlite' },
] as const;

export function databaseBytes(dir: string, file: string): Buffer {
  return readFileSync(join(RPMDB_DIR, dir, file));
}

/** Truth rows `name epoch version release arch sourcerpm`, `(none)` where rpm prints it. */
export function truthRows(dir: string): string[] {
  const lines = readFileSync(join(RPMDB_DIR, 'truth', `${dir}.tsv`), 'utf8')
    .trim()
    .split('\n');
  return lines.slice(1).sort();
}

export function truthRow(h: Pick<RpmHeader, 'name' | 'epoch' | 'version' | 'release' | 'arch' | 'sourceRpm'>): string {
  const none = (v: string | number | undefined) => (v === undefined ? '(none)' : String(v));
  return [h.name, none(h.epoch), h.version, h.release, none(h.arch), none(h.sourceRpm)].join('\t');
}

export function rpmAvailable(): boolean {
  return spawnSync('rpm', ['--version']).status === 0;
}

/**
 * Runs `rpm -qa --qf FORMAT` on a copy of the database (rpm writes lock and -shm files next to it)
 * and returns stdout.
 */
export function rpmQuery(body: Buffer, fileName: string, backend: string, format: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-rpm-'));
  try {
    writeFileSync(join(dir, fileName), body);
    const result = spawnSync('rpm', ['--define', `_db_backend ${backend}`, '--dbpath', dir, '-qa', '--qf', format], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`rpm -qa failed: ${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
