// `db status`: what the database holds and how old it is. The JSON form is the contract in
// issue 6 (`path`, `schemaVersion`, `builtAt`, `sources[]`), with `ageDays`, `dataDate`,
// `dataAgeDays`, `warnings` and `notices` added. The table shows the same, the data date beside
// the build date: a database built today from an old mirror holds old data.
import { openDatabase } from './database.js';
import { currentLock } from './lock.js';
import { resolveDbDir, type DbOptions } from './options.js';
import type { DbStatus } from './types.js';
import { warningText } from '../model/warning.js';

export function runDbStatus(options: DbOptions = {}): DbStatus {
  const dbDir = resolveDbDir(options.dbDir);
  const db = openDatabase(dbDir);
  let status: DbStatus;
  try {
    status = db.status(options.maxAgeDays !== undefined ? { maxAgeDays: options.maxAgeDays } : {});
  } finally {
    db.close();
  }
  const lock = currentLock(dbDir);
  if (lock) {
    const { owner, alive } = lock;
    const doing = owner.doing ? `, ${owner.doing}` : '';
    status.warnings.push({
      message: alive
        ? `an update is running (pid ${owner.pid}${doing})`
        : `an update (pid ${owner.pid}, started ${owner.startedAt}) stopped before finishing${doing ? ` while ${owner.doing}` : ''}; the database shown is the previous one`,
      source: 'vulndb',
    });
  }
  return status;
}

export function renderDbStatus(status: DbStatus, format = 'table'): string {
  if (format === 'json') return `${JSON.stringify(status, null, 2)}\n`;
  const rows = status.sources.map((s) => [s.name, s.ecosystem, String(s.records), s.dataDate ?? '-', s.lastModified ?? '-', s.url]);
  const header = ['SOURCE', 'ECOSYSTEM', 'RECORDS', 'DATA DATE', 'LAST MODIFIED', 'URL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  const total = status.sources.reduce((n, s) => n + s.records, 0);
  return [
    `Database:       ${status.path}`,
    `Schema version: ${status.schemaVersion}`,
    `Built at:       ${status.builtAt} (${status.ageDays} days ago)`,
    `Data date:      ${status.dataDate === null ? 'not stated by any source' : `${status.dataDate} (${status.dataAgeDays} days ago)`}`,
    `Records:        ${total} from ${status.sources.length} sources`,
    ...status.warnings.map((w) => `WARNING: ${warningText(w)}`),
    ...status.notices,
    '',
    line(header),
    ...rows.map(line),
    '',
  ].join('\n');
}
