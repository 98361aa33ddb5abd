// `db export FILE` / `db import FILE`: the database as one gzip-compressed tar holding
// `manifest.json` (schema version, built-at, sources, size and sha256 of the database) and then
// `plimsoll.db`, for carrying into a network that cannot reach the feeds. Import verifies the
// digest, the schema and the database itself before renaming it into place.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, fstatSync, mkdirSync, openSync, closeSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import Database from 'better-sqlite3';
import { extract, pack } from 'tar-stream';
import { InputError, PlimsollError, errorMessage } from '../errors.js';
import { databasePath, openDatabase, openDatabaseFile } from './database.js';
import { durableRename } from './durable.js';
import { UpdateLock } from './lock.js';
import { Progress, resolveDbDir, type DbOptions } from './options.js';
import { DB_FILE, SCHEMA_VERSION } from './schema.js';
import type { SourceStatus } from './types.js';

export const MANIFEST_FILE = 'manifest.json';
const MANIFEST_MAX_BYTES = 1024 * 1024;

export interface DbManifest {
  format: 'plimsoll-vulndb';
  schemaVersion: number;
  builtAt: string;
  sources: SourceStatus[];
  file: string;
  size: number;
  sha256: string;
}

export async function runDbExport(file: string, options: DbOptions = {}): Promise<DbManifest> {
  const dbDir = resolveDbDir(options.dbDir);
  const target = resolve(file);
  openDatabase(dbDir).close(); // a missing or damaged database is reported before anything else
  // Holding the update lock pins the file: no update can rename a new one in while we copy.
  const lock = await UpdateLock.acquire(dbDir, {
    onWait: (owner) => new Progress(options).notice(`waiting for a database update (pid ${owner.pid}) to finish before exporting`),
  });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    lock.note(`exporting to ${target}`);
    const path = databasePath(dbDir);
    const db = openDatabaseFile(path);
    const status = db.status();
    db.close();
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const hash = createHash('sha256');
      for await (const chunk of createReadStream('', { fd, start: 0, autoClose: false })) hash.update(chunk as Buffer);
      const manifest: DbManifest = {
        format: 'plimsoll-vulndb',
        schemaVersion: status.schemaVersion,
        builtAt: status.builtAt,
        sources: status.sources,
        file: DB_FILE,
        size,
        sha256: hash.digest('hex'),
      };
      const tar = pack();
      const writing = pipeline(tar, createGzip(), createWriteStream(tmp));
      writing.catch(() => undefined); // awaited below; a write error must not go unhandled meanwhile
      // Entries dated at the build, not the export: one database always exports to the same
      // bytes, so a registry that already holds it (db push) is not sent it again.
      const mtime = new Date(status.builtAt);
      tar.entry({ name: MANIFEST_FILE, mtime }, JSON.stringify(manifest, null, 2));
      let sink!: ReturnType<typeof tar.entry>;
      const entryWritten = new Promise<void>((resolveEntry, rejectEntry) => {
        sink = tar.entry({ name: DB_FILE, size, mode: 0o644, mtime }, (err) => (err ? rejectEntry(err) : resolveEntry()));
      });
      for await (const chunk of createReadStream('', { fd, start: 0, autoClose: false })) {
        // Raced with the output, so a write error (disk full) ends the wait instead of hanging it.
        if (!sink.write(chunk as Buffer)) await Promise.race([once(sink, 'drain'), writing]);
      }
      sink.end(undefined);
      await Promise.race([entryWritten, writing]);
      tar.finalize();
      await writing;
      durableRename(tmp, target);
      return manifest;
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    rmSync(tmp, { force: true });
    if (err instanceof PlimsollError) throw err;
    throw new PlimsollError(`${target}: cannot write the export: ${errorMessage(err)}`);
  } finally {
    lock.release();
  }
}

/** `what` names the export in messages when `file` is only a download of it (`db update --from`). */
export async function runDbImport(file: string, options: DbOptions = {}, what?: string): Promise<DbManifest> {
  const source = resolve(file);
  const label = what ?? source;
  const dbDir = resolveDbDir(options.dbDir);
  mkdirSync(dbDir, { recursive: true });
  const staged = join(dbDir, `${DB_FILE}.import-${process.pid}`);
  try {
    const manifest = await unpack(source, staged, label);
    verify(label, staged, manifest);
    const lock = await UpdateLock.acquire(dbDir, {
      onWait: (owner) => new Progress(options).notice(`waiting for a database update (pid ${owner.pid}) to finish before importing`),
    });
    try {
      lock.note(`importing ${label}`);
      durableRename(staged, databasePath(dbDir));
    } finally {
      lock.release();
    }
    return manifest;
  } finally {
    rmSync(staged, { force: true });
  }
}

/** Extracts the manifest and the database (to `staged`), checking the digest as bytes pass. */
async function unpack(source: string, staged: string, label: string): Promise<DbManifest> {
  const bad = (why: string) => new InputError(`${label}: not a Plimsoll database export (${why})`);
  const tar = extract();
  const feeding = pipeline(createReadStream(source), createGunzip(), tar);
  feeding.catch(() => undefined); // the same error surfaces through the iteration below
  let manifest: DbManifest | undefined;
  let digest: string | undefined;
  let size = 0;
  try {
    for await (const entry of tar) {
      const name = entry.header.name;
      if (name === MANIFEST_FILE && !manifest) {
        if (entry.header.size > MANIFEST_MAX_BYTES) throw bad('manifest too large');
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        manifest = parseManifest(Buffer.concat(chunks).toString('utf8'), label, bad);
      } else if (name === DB_FILE && manifest && digest === undefined) {
        const hash = createHash('sha256');
        const out = createWriteStream(staged);
        for await (const chunk of entry) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
          if (!out.write(chunk)) await once(out, 'drain');
        }
        out.end();
        await finished(out);
        digest = hash.digest('hex');
      } else {
        throw bad(`unexpected entry ${name}`);
      }
    }
    await feeding;
  } catch (err) {
    if (err instanceof PlimsollError) throw err;
    throw bad(errorMessage(err));
  }
  if (!manifest) throw bad(`no ${MANIFEST_FILE}`);
  if (digest === undefined) throw bad(`no ${DB_FILE}`);
  if (size !== manifest.size || digest !== manifest.sha256) {
    throw new InputError(
      `${label}: database digest mismatch: manifest says sha256:${manifest.sha256} (${manifest.size} bytes), got sha256:${digest} (${size} bytes)`,
    );
  }
  return manifest;
}

function parseManifest(text: string, source: string, bad: (why: string) => InputError): DbManifest {
  let value: Partial<DbManifest>;
  try {
    value = JSON.parse(text) as Partial<DbManifest>;
  } catch {
    throw bad('manifest is not JSON');
  }
  if (value.format !== 'plimsoll-vulndb' || typeof value.sha256 !== 'string' || typeof value.size !== 'number' || !Array.isArray(value.sources)) {
    throw bad('manifest lacks format, size, sha256 or sources');
  }
  if (value.schemaVersion !== SCHEMA_VERSION) {
    throw new InputError(`${source}: export has database schema version ${String(value.schemaVersion)}; this Plimsoll reads version ${SCHEMA_VERSION}`);
  }
  return value as DbManifest;
}

/** The staged database must open, pass integrity_check and hold what the manifest lists. */
function verify(source: string, staged: string, manifest: DbManifest): void {
  let status;
  let integrity: unknown;
  try {
    const db = openDatabaseFile(staged);
    status = db.status();
    db.close();
    const check = new Database(staged, { readonly: true });
    integrity = check.pragma('integrity_check', { simple: true });
    check.close();
  } catch (err) {
    throw new InputError(`${source}: the database inside cannot be read (${errorMessage(err)})`);
  }
  if (integrity !== 'ok') throw new InputError(`${source}: the database inside fails its integrity check: ${String(integrity)}`);
  const listed = new Map(manifest.sources.map((s) => [s.name, s.records]));
  const mismatch = status.sources.find((s) => listed.get(s.name) !== s.records);
  if (mismatch || listed.size !== status.sources.length) {
    throw new InputError(`${source}: the database's sources do not match its manifest${mismatch ? ` (${mismatch.name})` : ''}`);
  }
}
