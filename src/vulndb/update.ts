// `db update`: fetch every feed, build a new database in a temporary file in one transaction,
// check it, and rename it over the old one. Any failure (a feed that cannot be fetched or read,
// a failed check, a crash) leaves the previous database in place and untouched.
// Incremental: the database records each feed's fingerprint (fetch.ts). When none changed, the
// installed database only gets a new date; when some did, the new file starts as a copy of the
// installed one and only the changed feeds are read again into it.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PlimsollError, errorMessage } from '../errors.js';
import { DatabaseBuilder, type StoredFeed } from './builder.js';
import { databasePath, isSqliteError } from './database.js';
import { durableRename } from './durable.js';
import { FeedCache, type FetchResult } from './fetch.js';
import { readAlpineSecdb } from './feeds/alpine-secdb.js';
import { readDebianList } from './feeds/debian-list.js';
import { readDebianTracker } from './feeds/debian-tracker.js';
import { readOsvDirectory } from './feeds/osv-dir.js';
import { readOsvZip } from './feeds/osv-zip.js';
import { UpdateLock, processAlive, type LockInfo } from './lock.js';
import { Progress, resolveDbDir, resolveMirror, type DbOptions } from './options.js';
import { DB_FILE, SCHEMA_VERSION } from './schema.js';
import { PUBLIC_ENDPOINTS, feedsFor, isPrivateFeed, isUrl, mirrorEndpoints, privateFeeds, type Feed, type FeedKind } from './sources.js';
import { readMavenIndex } from './feeds/maven-index.js';
import { readMavenRepository } from './feeds/maven-repo.js';
import { readKev } from './feeds/kev.js';
import { readEpss } from './feeds/epss.js';
import { readNvdCache } from './nvd/cache.js';
import { readNvdDirectory } from './nvd/directory.js';
import { syncNvd } from './nvd/sync.js';
import type { FeedItem, OsvRecord, SourceStatus } from './types.js';

export interface DbUpdateOptions extends DbOptions {
  /** Private feeds, `osv-dir:PATH` or `maven-repo:PATH|URL` each. */
  sources?: string[];
}

export interface DbUpdateResult {
  path: string;
  builtAt: string;
  durationMs: number;
  /** `reprocessed: false`: the feed had not changed, and the installed database's records of it were kept. */
  sources: (SourceStatus & { withdrawn: number; fetch: 'local' | 'downloaded' | 'not-modified'; reprocessed: boolean })[];
  /** Feeds the server or mirror does not have (an Alpine release it does not carry...). */
  missing: string[];
  /** Set when a dead update's lock was found: what it was doing when it died. */
  interrupted?: string;
}

export async function runDbUpdate(options: DbUpdateOptions = {}): Promise<DbUpdateResult> {
  const started = Date.now();
  const dbDir = resolveDbDir(options.dbDir);
  const mirror = resolveMirror(options.mirror);
  const endpoints = mirror ? mirrorEndpoints(mirror) : PUBLIC_ENDPOINTS;
  const feeds = [...feedsFor(endpoints), ...privateFeeds(options.sources ?? [])];
  if (options.offline && isUrl(endpoints.osv)) {
    throw new PlimsollError(`offline: 'db update' would download the feeds from ${mirror ?? 'the public endpoints'}; use --mirror DIR, or 'db import FILE'`);
  }
  try {
    mkdirSync(dbDir, { recursive: true });
  } catch (err) {
    throw new PlimsollError(`${dbDir}: cannot create the database directory: ${errorMessage(err)}`);
  }

  let interrupted: string | undefined;
  const progress = new Progress(options);
  const lock = await UpdateLock.acquire(dbDir, {
    onWait: (owner, path) => progress.notice(`waiting for another database update to finish (pid ${owner.pid}, started ${owner.startedAt}; lock ${path})`),
    onStale: (owner) => {
      interrupted = describeDeadUpdate(owner);
      progress.notice(interrupted);
    },
  });
  try {
    removeDebris(dbDir);
    const result = await build(dbDir, feeds, options, lock, progress);
    return { ...result, durationMs: Date.now() - started, ...(interrupted ? { interrupted } : {}) };
  } finally {
    lock.release();
  }
}

function describeDeadUpdate(owner: LockInfo): string {
  const where = owner.doing ? ` while ${owner.doing}` : '';
  return `an earlier update (pid ${owner.pid}, started ${owner.startedAt}) stopped${where}; its partial build was discarded and the previous database kept`;
}

/** Temporary files (`plimsoll.db.tmp-PID`, `.import-PID`, and oci.ts's `.push-PID.tar.gz`, `.pull-PID.tar.gz`) of processes that died. */
function removeDebris(dbDir: string): void {
  for (const name of readdirSync(dbDir)) {
    const match = /^plimsoll\.db\.(?:tmp|import|push|pull)-(\d+)(?:\.tar\.gz(?:\.tmp-\d+)?)?$/.exec(name);
    if (match && !processAlive(Number(match[1]))) rmSync(join(dbDir, name), { force: true });
  }
}

/** A feed as fetched, with what says whether it changed since the installed database read it. */
interface Fetched {
  feed: Feed;
  fetched: Exclude<FetchResult, { state: 'missing' }>;
  fingerprint: string;
  /** What the installed database keeps of it, when its fingerprint is the same. */
  kept?: { source: SourceStatus; stored: StoredFeed };
}

async function build(
  dbDir: string,
  feeds: Feed[],
  options: DbUpdateOptions,
  lock: UpdateLock,
  progress: Progress,
): Promise<Omit<DbUpdateResult, 'durationMs' | 'interrupted'>> {
  const cache = await FeedCache.open(dbDir);
  const installed = readInstalled(dbDir);
  const present: Fetched[] = [];
  const missing: string[] = [];
  for (const feed of feeds) {
    if (isUrl(feed.location)) lock.note(`downloading feed ${feed.name} (${feed.location})`);
    progress.update(`fetching ${feed.name}`);
    // NVD is an API, not a file: its own sync keeps a cache of it that survives interruptions.
    const fetched =
      feed.kind === 'nvd-api'
        ? await syncNvd(feed.location, dbDir, {
            offline: options.offline ?? false,
            progress: (text) => progress.update(text),
            note: (doing) => lock.note(doing),
          })
        : await cache.fetch(feed, options.offline ?? false);
    if (fetched.state === 'missing') {
      if (isPrivateFeed(feed)) throw new PlimsollError(`feed ${feed.name}: ${feed.location} does not exist`);
      missing.push(feed.name);
      continue;
    }
    const stored = installed?.feeds.get(feed.name);
    const source = installed?.sources.get(feed.name);
    // NVD's sync has no fingerprint: whether anything arrived is its answer.
    const fingerprint = fetched.fingerprint ?? (fetched.state === 'not-modified' && stored ? stored.fingerprint : `synced:${fetched.lastModified ?? ''}`);
    present.push({ feed, fetched, fingerprint, ...(stored && source && stored.fingerprint === fingerprint ? { kept: { source, stored } } : {}) });
  }
  if (present.length === 0) {
    throw new PlimsollError(
      `no feed found at ${feeds[0]?.location.replace(/\/osv\/.*$/, '') ?? 'the configured sources'}; a mirror holds osv/<Ecosystem>/all.zip, alpine-secdb/v3.N/main.json, debian-security-tracker/data/{DSA,DLA}/list (plimsoll db update --help)`,
    );
  }
  const dropped = installed ? [...installed.sources.keys()].filter((name) => !present.some((p) => p.feed.name === name)) : [];
  const keptStatus = (p: Fetched & Required<Pick<Fetched, 'kept'>>): DbUpdateResult['sources'][number] => ({
    ...p.kept.source,
    withdrawn: p.kept.stored.withdrawn,
    fetch: p.fetched.state,
    reprocessed: false,
  });

  if (installed && dropped.length === 0 && present.every((p) => p.kept)) {
    // The installed database is what a rebuild would give: only its date moves.
    const builtAt = new Date().toISOString();
    redate(installed.path, builtAt);
    await cache.save();
    progress.clear();
    return { path: installed.path, builtAt, sources: present.map((p) => keptStatus(p as Fetched & Required<Pick<Fetched, 'kept'>>)), missing };
  }
  const base = installed && incremental(present, dropped, installed) ? installed : undefined;
  const tmpPath = join(dbDir, `${DB_FILE}.tmp-${process.pid}`);
  let builder: DatabaseBuilder;
  try {
    builder = new DatabaseBuilder(tmpPath, base?.path);
  } catch (err) {
    throw new PlimsollError(`${tmpPath}: cannot create the new database: ${errorMessage(err)}`);
  }
  const sources: DbUpdateResult['sources'] = [];
  const stored: Record<string, StoredFeed> = {};
  try {
    for (const name of dropped) if (base) builder.dropSource(name);
    for (const p of present) {
      const { feed, fetched } = p;
      if (base && p.kept) {
        progress.line(`${feed.name}: ${p.kept.source.records} records (unchanged, kept)`);
        sources.push(keptStatus(p as Fetched & Required<Pick<Fetched, 'kept'>>));
        stored[feed.name] = p.kept.stored;
        continue;
      }
      lock.note(`reading feed ${feed.name} (${feed.location})`);
      // Alpine's secdb, the tracker's JSON and a Maven repository carry no dates (the indexer's file does): a server's Last-Modified
      // says when the data changed, a mirror file's mtime only when it was copied.
      const datedRecords = !['alpine-secdb', 'debian-tracker-json', 'maven-repo'].includes(feed.kind);
      const sourceId = builder.addSource(feed, feed.location, fetched.lastModified, datedRecords);
      if (!datedRecords && fetched.state !== 'local' && fetched.lastModified) builder.add(sourceId, { kind: 'data-date', date: fetched.lastModified });
      const counts = { withdrawn: 0, skipped: 0 };
      let records = 0;
      try {
        for await (const item of readFeed(feed, fetched.path, fetched.lastModified ?? '', counts)) {
          builder.add(sourceId, item);
          if (item.kind !== 'data-date' && ++records % 500 === 0) progress.update(`reading ${feed.name}: ${records} records`);
        }
        records = builder.count(sourceId);
      } catch (err) {
        if (isSqliteError(err)) {
          throw new PlimsollError(
            `cannot write the new database ${tmpPath} (${errorMessage(err)}) while reading feed ${feed.name}; the previous database was kept`,
          );
        }
        if (fetched.state !== 'local') await cache.discard(feed);
        throw new PlimsollError(`feed ${feed.name} (${feed.location}): ${errorMessage(err)}; the previous database was kept`);
      }
      progress.line(
        `${feed.name}: ${records} records${counts.withdrawn ? ` (${counts.withdrawn} withdrawn, dropped)` : ''}${counts.skipped ? ` (${counts.skipped} artifacts skipped: a dangling link, or a pom naming other coordinates than its path)` : ''}${fetched.state === 'not-modified' ? ' (unchanged)' : ''}`,
      );
      sources.push({
        name: feed.name,
        ecosystem: feed.ecosystem,
        url: feed.location,
        records,
        lastModified: fetched.lastModified,
        dataDate: builder.dataDate(sourceId),
        withdrawn: counts.withdrawn,
        fetch: fetched.state,
        reprocessed: true,
      });
      stored[feed.name] = { fingerprint: p.fingerprint, withdrawn: counts.withdrawn };
    }
    lock.note('checking the new database');
    const builtAt = new Date().toISOString();
    try {
      builder.finish(builtAt, stored);
    } catch (err) {
      throw new PlimsollError(`the new database failed its checks (${errorMessage(err)}); the previous database was kept`);
    }
    const path = databasePath(dbDir);
    durableRename(tmpPath, path);
    await cache.save();
    progress.clear();
    return { path, builtAt, sources, missing };
  } catch (err) {
    progress.clear();
    builder.abandon();
    // Disk full, permissions: the user's to fix. Anything else is a bug and stays an internal error.
    if (isSqliteError(err) || typeof (err as NodeJS.ErrnoException).errno === 'number') {
      throw new PlimsollError(`cannot build the new database ${tmpPath}: ${errorMessage(err)}; the previous database was kept`);
    }
    throw err;
  }
}

/** The installed database, when it records what it was built from (a database of this schema built since feeds were recorded). */
interface Installed {
  path: string;
  feeds: Map<string, StoredFeed>;
  sources: Map<string, SourceStatus>;
  kinds: Map<string, FeedKind>;
}

function readInstalled(dbDir: string): Installed | undefined {
  const path = databasePath(dbDir);
  if (!existsSync(path)) return undefined;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const meta = new Map(db.prepare('SELECT key, value FROM meta').raw().all() as [string, string][]);
      const feeds = meta.get('feeds');
      if (Number(meta.get('schema_version')) !== SCHEMA_VERSION || feeds === undefined) return undefined;
      const rows = db
        .prepare('SELECT name, kind, ecosystem, url, records, last_modified AS lastModified, data_date AS dataDate FROM sources ORDER BY id')
        .all() as (SourceStatus & { kind: FeedKind })[];
      return {
        path,
        feeds: new Map(Object.entries(JSON.parse(feeds) as Record<string, StoredFeed>)),
        sources: new Map(rows.map(({ kind: _, ...source }) => [source.name, source])),
        kinds: new Map(rows.map((row) => [row.name, row.kind])),
      };
    } finally {
      db.close();
    }
  } catch {
    // Unreadable or foreign: the update builds a new one from scratch, as it always could.
    return undefined;
  }
}

/** The table each kind of feed fills. Advisories belong to their source alone; the others are shared by CVE or SHA-1. */
function tableOf(kind: FeedKind): string {
  switch (kind) {
    case 'nvd-dir':
    case 'nvd-api':
      return 'nvd';
    case 'maven-repo':
    case 'maven-index':
      return 'maven_sha1';
    case 'kev':
    case 'epss':
      return kind;
    default:
      return 'advisories';
  }
}

/**
 * Whether replacing only the changed sources in a copy of the installed database gives what a
 * rebuild would: yes unless a changed or dropped source fills a shared table with another source,
 * where which one's row wins depends on the order they are read in.
 */
function incremental(present: Fetched[], dropped: string[], installed: Installed): boolean {
  const tables = [...present.map((p) => tableOf(p.feed.kind)), ...dropped.map((name) => tableOf(installed.kinds.get(name) ?? 'osv-zip'))];
  const changed = [
    ...present.filter((p) => !p.kept).map((p) => tableOf(p.feed.kind)),
    ...dropped.map((name) => tableOf(installed.kinds.get(name) ?? 'osv-zip')),
  ];
  return changed.every((table) => table === 'advisories' || tables.filter((t) => t === table).length === 1);
}

/** Marks an unchanged database as checked now, in one statement (atomic in SQLite's journal). */
function redate(path: string, builtAt: string): void {
  try {
    const db = new Database(path, { fileMustExist: true });
    try {
      db.prepare("UPDATE meta SET value = ? WHERE key = 'built_at'").run(builtAt);
    } finally {
      db.close();
    }
  } catch (err) {
    throw new PlimsollError(`cannot update ${path}: ${errorMessage(err)}; the database is unchanged`);
  }
}

async function* advisories(records: AsyncGenerator<OsvRecord>): AsyncGenerator<FeedItem> {
  for await (const record of records) yield { kind: 'osv', record };
}

function readFeed(feed: Feed, path: string, lastModified: string, counts: { withdrawn: number; skipped: number }): AsyncGenerator<FeedItem> {
  switch (feed.kind) {
    case 'osv-zip':
      return advisories(readOsvZip(path, counts));
    case 'osv-dir':
      return advisories(readOsvDirectory(path, counts));
    case 'alpine-secdb':
      return advisories(readAlpineSecdb(path, feed.release ?? '', feed.repository ?? '', lastModified));
    case 'debian-list':
      return advisories(readDebianList(path));
    case 'debian-tracker-json':
      return advisories(readDebianTracker(path, lastModified));
    case 'nvd-dir':
      return readNvdDirectory(path);
    case 'nvd-api':
      return readNvdCache(path);
    case 'kev':
      return readKev(path);
    case 'epss':
      return readEpss(path);
    case 'maven-repo':
      return readMavenRepository(path, counts);
    case 'maven-index':
      return readMavenIndex(path);
  }
}

export function renderDbUpdate(result: DbUpdateResult, format = 'table'): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  const total = result.sources.reduce((n, s) => n + s.records, 0);
  const kept = result.sources.filter((s) => !s.reprocessed).length;
  const seconds = (result.durationMs / 1000).toFixed(1);
  const lines =
    kept === result.sources.length
      ? [`Kept ${result.path}: none of its ${result.sources.length} feeds changed since the last update (${total} records; checked in ${seconds} s).`]
      : [
          `Built ${result.path} from ${result.sources.length} feeds: ${total} records in ${seconds} s.`,
          ...(kept > 0 ? [`${kept} unchanged feeds were kept from the previous database, not read again.`] : []),
        ];
  if (result.missing.length > 0)
    lines.push(
      `${result.missing.length} feeds are not on this server or mirror (${result.missing.slice(0, 3).join(', ')}${result.missing.length > 3 ? ', ...' : ''}).`,
    );
  if (result.interrupted) lines.push(`Note: ${result.interrupted}.`);
  return `${lines.join('\n')}\n`;
}
