// The server's own vulnerability database (--db-dir): clients need none. An update builds a new file
// and renames it into place (vulndb/update.ts); `reload` then switches to it, while a failed update
// leaves the open handle on the previous one. A file renamed into place by another process (a
// `plimsoll worker`'s update, `plimsoll db update`) is noticed within seconds and served.
import { existsSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { matchVulnerabilities, type MatchResult } from '../match/index.js';
import { databasePath, openDatabase, runDbUpdate, type VulnDatabase } from '../vulndb/index.js';
import type { ImageInventory } from './store.js';
import type { ScanWarning } from '../model/warning.js';

export interface DatabaseSettings {
  dbDir: string;
  mirror?: string;
  sources?: string[];
  offline?: boolean;
}

export interface ServerMatch extends MatchResult {
  dbBuiltAt: string;
  /** Database age warnings, as a local scan reports them. */
  notices: ScanWarning[];
  attributions: string[];
}

/** How often the database file is looked at for a newer one. */
const CHECK_MS = 2000;

export class ServerDatabase {
  private db: VulnDatabase | undefined;
  /** The open file's identity: a new file renamed into place has another. */
  private identity = '';
  private checkedAt = 0;

  constructor(
    readonly settings: DatabaseSettings,
    /** Told how long each match took (the metrics' histogram). */
    private readonly observeMatch: (seconds: number) => void = () => undefined,
  ) {}

  private fileIdentity(): string {
    const stat = statSync(databasePath(this.settings.dbDir), { throwIfNoEntry: false });
    return stat ? `${stat.ino}:${stat.mtimeMs}` : '';
  }

  /** Opens the database when one exists; false when there is none yet. */
  reload(): boolean {
    if (!existsSync(databasePath(this.settings.dbDir))) return false;
    const identity = this.fileIdentity();
    const next = openDatabase(this.settings.dbDir);
    this.db?.close();
    this.db = next;
    this.identity = identity;
    this.checkedAt = Date.now();
    return true;
  }

  /** Switches to a database another process put in place; keeps the open one when the new one cannot be opened. */
  private refresh(): void {
    if (Date.now() - this.checkedAt < CHECK_MS) return;
    this.checkedAt = Date.now();
    const identity = this.fileIdentity();
    if (identity === '' || identity === this.identity) return;
    try {
      this.reload();
    } catch {
      this.identity = identity;
    }
  }

  get ready(): boolean {
    this.refresh();
    return this.db !== undefined;
  }

  get builtAt(): string | undefined {
    return this.db?.builtAt;
  }

  /** Builds the database anew from the configured feeds, then serves it; throws (keeping the previous one) when the update fails. */
  async update(): Promise<void> {
    const { dbDir, mirror, sources, offline } = this.settings;
    await runDbUpdate({ dbDir, ...(mirror ? { mirror } : {}), ...(sources ? { sources } : {}), offline: offline === true, quiet: true });
    this.reload();
  }

  /** Undefined until a database exists. */
  match(inventory: Pick<ImageInventory, 'os' | 'packages'>): ServerMatch | undefined {
    this.refresh();
    const db = this.db;
    if (!db) return undefined;
    const started = performance.now();
    const status = db.status();
    const match = matchVulnerabilities({ ...(inventory.os ? { os: inventory.os } : {}), packages: inventory.packages }, db);
    this.observeMatch((performance.now() - started) / 1000);
    return { ...match, dbBuiltAt: db.builtAt, notices: status.warnings, attributions: status.notices };
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}
