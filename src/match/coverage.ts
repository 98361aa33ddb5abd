// How much the database knows about one ecosystem, so the report can say "checked against N
// advisories" or "not checked: no data for this release" instead of an empty, clean-looking list.
// VulnDatabase answers look-ups by package only, so this reads the same file's `affected` table
// (src/vulndb/schema.ts) directly, read-only.
import Database from 'better-sqlite3';
import type { VulnDatabase } from '../vulndb/index.js';

export type AdvisoryCounter = (ecosystem: string) => number;

/** Counts (package, advisory) rows per ecosystem; close it when done. */
export function openAdvisoryCounter(db: VulnDatabase): { count: AdvisoryCounter; close(): void } {
  const sqlite = new Database(db.path, { readonly: true, fileMustExist: true });
  const statement = sqlite.prepare('SELECT COUNT(DISTINCT advisory) FROM affected WHERE ecosystem = ?').pluck();
  const cache = new Map<string, number>();
  return {
    count(ecosystem) {
      let n = cache.get(ecosystem);
      if (n === undefined) {
        n = statement.get(ecosystem) as number;
        cache.set(ecosystem, n);
      }
      return n;
    },
    close: () => sqlite.close(),
  };
}
