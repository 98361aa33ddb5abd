// The date a feed's data is from, for `db status` and the staleness warning: a database built
// today from a two-year-old mirror is two years old.

/** Go's vulndb commits this for `modified`; it says nothing about when the data is from. */
const PLACEHOLDER_YEAR = 1971;

/**
 * An ISO instant for a feed's date (NVD writes UTC times without a zone; `2025-08-25` is a day),
 * or undefined for what is no date or a placeholder.
 */
export function isoDate(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  const zoned = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text) ? `${text}Z` : text;
  const time = Date.parse(zoned);
  if (Number.isNaN(time) || new Date(time).getUTCFullYear() < PLACEHOLDER_YEAR) return undefined;
  return new Date(time).toISOString();
}

/** The later of a running newest date and a candidate. */
export function newestDate(current: string | null, candidate: string | undefined | null): string | null {
  const iso = isoDate(candidate);
  if (!iso) return current;
  return current === null || iso > current ? iso : current;
}
