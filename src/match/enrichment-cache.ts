// Enrichment for a scan's CVEs, fetched in one query before the findings are assessed (a scan has
// thousands of CVEs; one query each costs more than the matching), then served from memory.
import type { CveEnrichment, VulnDatabase } from '../vulndb/index.js';
import type { EnrichmentLookup } from './assess.js';
import type { Hit } from './merge.js';

const isCve = (id: string): boolean => /^CVE-\d{4}-\d+$/.test(id);

export class EnrichmentCache {
  private readonly known = new Map<string, CveEnrichment>();

  constructor(private readonly db: Pick<VulnDatabase, 'enrichments'>) {}

  /** Fetches every CVE these advisories name that is not cached yet. */
  prefetch(hits: readonly Hit[]): void {
    const wanted = new Set<string>();
    for (const { advisory } of hits) {
      for (const id of [advisory.id, ...(advisory.aliases ?? []), ...(advisory.upstream ?? [])]) if (isCve(id) && !this.known.has(id)) wanted.add(id);
    }
    if (wanted.size === 0) return;
    const found = this.db.enrichments(wanted);
    for (const cve of wanted) this.known.set(cve, found.get(cve) ?? {});
  }

  readonly lookup: EnrichmentLookup = (cve) => {
    let found = this.known.get(cve);
    if (!found) this.known.set(cve, (found = this.db.enrichments([cve]).get(cve) ?? {}));
    return found;
  };
}
